package media

import (
	"image"
	"image/color"
)

// DecodeCost estimates the bytes processing an image with header cfg
// holds at once: the decoded pixels in the format's own layout, plus one
// 8-bit RGBA working copy (turning it upright, the first resize). It is
// computed from the header alone, before anything is decoded.
func DecodeCost(cfg image.Config) int64 {
	px := int64(cfg.Width) * int64(cfg.Height)
	return px * int64(bytesPerPixel(cfg.ColorModel)+4)
}

// bytesPerPixel is what one decoded pixel of model m takes in memory.
func bytesPerPixel(m color.Model) int {
	switch m {
	case color.RGBA64Model, color.NRGBA64Model:
		return 8
	case color.RGBAModel, color.NRGBAModel, color.CMYKModel:
		return 4
	case color.Gray16Model:
		return 2
	case color.GrayModel, color.AlphaModel:
		return 1
	case color.YCbCrModel:
		return 3 // 4:4:4 at most; subsampled JPEGs take less
	}
	if _, ok := m.(color.Palette); ok {
		return 1
	}
	return 4 // NYCbCrA (WebP with alpha) and anything new: assume RGBA
}
