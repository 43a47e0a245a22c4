package media

import (
	"image"
	"math"
)

// span is the source pixels one destination pixel covers along an axis,
// with the share of each (the weights of a span sum to 1).
type span struct {
	first   int
	weights []float32
}

// spans divides n source pixels among m ≤ n destination pixels by area.
func spans(n, m int) []span {
	out := make([]span, m)
	scale := float64(n) / float64(m)
	for i := range out {
		lo, hi := float64(i)*scale, float64(i+1)*scale
		first, last := int(lo), min(int(math.Ceil(hi)), n)
		s := span{first: first, weights: make([]float32, 0, last-first)}
		for p := first; p < last; p++ {
			s.weights = append(s.weights, float32((math.Min(hi, float64(p+1))-math.Max(lo, float64(p)))/scale))
		}
		out[i] = s
	}
	return out
}

// Shrink scales img down to w×h by area averaging: each destination pixel
// is the mean of the source area it covers, the right filter for
// reduction (no aliasing). It reads img a row at a time and keeps only two
// destination rows of floats, so a 12-megapixel photo costs its output and
// a few kilobytes, not the width × height buffer a separable kernel needs.
// w and h must not exceed img's size.
func Shrink(img image.Image, w, h int) *image.RGBA {
	b := img.Bounds()
	sw, sh := b.Dx(), b.Dy()
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	xs, ys := spans(sw, w), spans(sh, h)
	read := rows(img)
	src := make([]byte, 4*sw)
	row := make([]float32, 4*w) // one source row, reduced horizontally
	acc := make([]float32, 4*w) // the destination row being summed
	last := -1                  // the source row in row, reused across the seam of two destination rows
	for dy, ysp := range ys {
		clear(acc)
		for k, wy := range ysp.weights {
			sy := ysp.first + k
			if sy != last {
				read(sy, src)
				for dx, xsp := range xs {
					var r, g, bl, a float32
					p := src[4*xsp.first:]
					for j, wx := range xsp.weights {
						q := p[4*j : 4*j+4 : 4*j+4]
						r += wx * float32(q[0])
						g += wx * float32(q[1])
						bl += wx * float32(q[2])
						a += wx * float32(q[3])
					}
					o := row[4*dx : 4*dx+4 : 4*dx+4]
					o[0], o[1], o[2], o[3] = r, g, bl, a
				}
				last = sy
			}
			for i, v := range row {
				acc[i] += wy * v
			}
		}
		out := dst.Pix[dy*dst.Stride : dy*dst.Stride+4*w]
		for i, v := range acc {
			out[i] = uint8(min(255, v+0.5))
		}
	}
	return dst
}
