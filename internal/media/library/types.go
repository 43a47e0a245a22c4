package library

import "quire/internal/store"

// Media is an uploaded image's row: its stored files and what people
// wrote about it.
type Media = store.Media

// Use is a post that shows an image (Usage).
type Use = store.MediaUse
