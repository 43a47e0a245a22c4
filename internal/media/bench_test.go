package media_test

import (
	"bytes"
	"os"
	"strconv"
	"testing"

	"quire/internal/media"
	"quire/internal/media/mediatest"
)

// BenchmarkProcess12MP is an upload of a 12-megapixel phone photo (4000 ×
// 3000 JPEG): sniff, decode, orient, re-encode the original and make the
// 480, 960 and 1600 px variants; "rotated" carries EXIF orientation 6, so
// the pixels are also turned. Besides -benchmem's figures it reports the
// process's peak resident memory (peak-RSS-MB, Linux only), reset before
// the timed loop, so it is the high-water mark of processing one photo at
// a time with the runtime's default GOGC.
func BenchmarkProcess12MP(b *testing.B) {
	for _, tt := range []struct {
		name        string
		orientation int
	}{{"upright", 1}, {"rotated", 6}} {
		b.Run(tt.name, func(b *testing.B) {
			data := mediatest.WithEXIF(mediatest.JPEG(b, mediatest.Photo(4000, 3000)), tt.orientation)
			b.SetBytes(int64(len(data)))
			resetPeakRSS()
			for b.Loop() {
				if _, err := media.Process(data, media.DefaultLimits); err != nil {
					b.Fatal(err)
				}
			}
			if kb := peakRSSKB(); kb > 0 {
				b.ReportMetric(float64(kb)/1024, "peak-RSS-MB")
			}
		})
	}
}

// resetPeakRSS resets the kernel's high-water mark of this process's RSS.
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSSKB is VmHWM from /proc/self/status, or 0 where there is none.
func peakRSSKB() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		if f := bytes.Fields(line); len(f) >= 2 && string(f[0]) == "VmHWM:" {
			n, _ := strconv.ParseInt(string(f[1]), 10, 64)
			return n
		}
	}
	return 0
}
