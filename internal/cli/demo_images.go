package cli

import (
	"bytes"
	"hash/fnv"
	"image"
	"image/color"
	"image/png"
	"math"
)

// demoPalettes are the cover colours of each demo category: a deep and a
// light tone the gradient runs between, and an accent for the shapes.
var demoPalettes = map[string][3]color.RGBA{
	"Software": {{0x1f, 0x3a, 0x5f, 255}, {0x5b, 0x8d, 0xb8, 255}, {0xf2, 0xc1, 0x4e, 255}},
	"Travel":   {{0x0b, 0x3d, 0x3a, 255}, {0x6f, 0xb3, 0x9e, 255}, {0xe8, 0xf1, 0xe4, 255}},
	"Kitchen":  {{0x7a, 0x34, 0x1a, 255}, {0xe0, 0xa4, 0x6b, 255}, {0xfb, 0xe9, 0xd0, 255}},
	"Essays":   {{0x3b, 0x2a, 0x4f, 255}, {0xa8, 0x8f, 0xc4, 255}, {0xf4, 0xe4, 0xc1, 255}},
}

// demoCover draws a 1200×675 cover for a demo post: a diagonal gradient
// in its category's colours and a few soft discs placed by the title, so
// every post's cover differs and a rerun draws the same one. It needs no
// file and no network, and the library stores it like any upload.
func demoCover(title, category string) []byte {
	pal, ok := demoPalettes[category]
	if !ok {
		pal = demoPalettes["Essays"]
	}
	const w, h = 1200, 675
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	h64 := fnv.New64a()
	h64.Write([]byte(title))
	seed := h64.Sum64()
	type disc struct{ x, y, r, a float64 }
	discs := make([]disc, 4)
	for i := range discs {
		v := seed >> (i * 16)
		discs[i] = disc{x: float64(v%97) / 96 * w, y: float64(v/97%89) / 88 * h, r: 90 + float64(v/8633%7)*35, a: 0.18 + float64(i)*0.06}
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			t := (float64(x)/w + float64(y)/h) / 2
			r, g, b := mix(pal[0], pal[1], t)
			for _, d := range discs {
				dist := math.Hypot(float64(x)-d.x, float64(y)-d.y)
				if dist < d.r {
					// A soft edge: full strength inside, fading over the last tenth.
					k := d.a * math.Min(1, (d.r-dist)/(d.r*0.1))
					r, g, b = r+(float64(pal[2].R)-r)*k, g+(float64(pal[2].G)-g)*k, b+(float64(pal[2].B)-b)*k
				}
			}
			img.SetRGBA(x, y, color.RGBA{uint8(r), uint8(g), uint8(b), 255})
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img) // writing to memory does not fail
	return buf.Bytes()
}

// mix is the colour t of the way from a to b.
func mix(a, b color.RGBA, t float64) (r, g, bl float64) {
	return float64(a.R) + (float64(b.R)-float64(a.R))*t, float64(a.G) + (float64(b.G)-float64(a.G))*t, float64(a.B) + (float64(b.B)-float64(a.B))*t
}
