package classify

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/gzip"
	_ "embed"
	le "encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sync"
)

// The model of the embedded corpus is fitted when the corpus changes (go generate
// ./classify, which runs internal/genmodel) and embedded in the binary, so a process
// whose installation has no reviewers' decisions yet classifies from its first post
// without fitting (a third of a second of CPU and the allocations of a fit).
// TestEmbeddedModelIsCurrent fails when the file no longer matches the corpus.
//
//go:generate go run ./internal/genmodel -o model.bin.gz
//go:embed model.bin.gz
var embeddedModel []byte

// modelMagic starts an encoded model; the digit is the format's version.
const modelMagic = "tintot-model-1\n"

// EncodeModel writes m in tintot's model format (gzip of a little-endian listing of the
// priors and each feature's weights, sorted by feature hash so the same model gives the
// same bytes).
func EncodeModel(w io.Writer, m *Model) error {
	if m == nil || m.logLik == nil {
		return errors.New("classify: no model to encode")
	}
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(zw)
	var buf [le.MaxVarintLen64]byte
	uv := func(v uint64) { bw.Write(buf[:le.PutUvarint(buf[:], v)]) }
	str := func(s string) { uv(uint64(len(s))); bw.WriteString(s) }
	u64 := func(v uint64) { le.LittleEndian.PutUint64(buf[:8], v); bw.Write(buf[:8]) }
	u32 := func(v uint32) { le.LittleEndian.PutUint32(buf[:4], v); bw.Write(buf[:4]) }

	bw.WriteString(modelMagic)
	str(m.version)
	if m.lr {
		uv(1)
	} else {
		uv(0)
	}
	uv(uint64(m.n))
	for k := 0; k < nKinds; k++ {
		uv(uint64(m.counts[k]))
		u64(math.Float64bits(m.logPrior[k]))
	}
	var used []fslot
	for _, s := range m.logLik.slots {
		if s.key != 0 {
			used = append(used, s)
		}
	}
	slices.SortFunc(used, func(a, b fslot) int { return cmp.Compare(a.key, b.key) })
	uv(uint64(len(used)))
	for _, s := range used {
		u64(s.key)
		for k := 0; k < nKinds; k++ {
			u32(math.Float32bits(s.ll[k]))
		}
	}
	hs := make([]uint64, 0, len(m.surface))
	for h := range m.surface {
		hs = append(hs, h)
	}
	slices.Sort(hs)
	uv(uint64(len(hs)))
	for _, h := range hs {
		u64(h)
		str(m.surface[h])
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return zw.Close()
}

// maxModelFeatures bounds what DecodeModel allocates for a damaged or hostile file.
const maxModelFeatures = 1 << 19

// DecodeModel reads a model written by EncodeModel.
func DecodeModel(r io.Reader) (*Model, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("classify: model file: %w", err)
	}
	br := bufio.NewReader(zr)
	var buf [8]byte
	fail := func(what string, err error) (*Model, error) {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("classify: model file: %s: %w", what, err)
	}
	magic := make([]byte, len(modelMagic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != modelMagic {
		return nil, errors.New("classify: model file: not a tintot model of this format")
	}
	str := func() (string, error) {
		n, err := le.ReadUvarint(br)
		if err != nil {
			return "", err
		}
		if n > 1<<16 {
			return "", errors.New("string too long")
		}
		b := make([]byte, n)
		_, err = io.ReadFull(br, b)
		return string(b), err
	}
	u64 := func() (uint64, error) {
		_, err := io.ReadFull(br, buf[:8])
		return le.LittleEndian.Uint64(buf[:8]), err
	}
	m := &Model{surface: map[uint64]string{}}
	if m.version, err = str(); err != nil {
		return fail("version", err)
	}
	lr, err := le.ReadUvarint(br)
	if err != nil {
		return fail("kind", err)
	}
	m.lr = lr == 1
	n, err := le.ReadUvarint(br)
	if err != nil {
		return fail("size", err)
	}
	m.n = int(n)
	for k := 0; k < nKinds; k++ {
		c, err := le.ReadUvarint(br)
		if err != nil {
			return fail("counts", err)
		}
		m.counts[k] = int(c)
		p, err := u64()
		if err != nil {
			return fail("priors", err)
		}
		m.logPrior[k] = math.Float64frombits(p)
	}
	nf, err := le.ReadUvarint(br)
	if err != nil || nf > maxModelFeatures {
		return fail("feature count", errors.Join(err, errors.New("out of range")))
	}
	m.logLik = newFtable(int(nf))
	row := make([]byte, 8+4*nKinds)
	for i := uint64(0); i < nf; i++ {
		if _, err := io.ReadFull(br, row); err != nil {
			return fail("features", err)
		}
		var ll [nKinds]float32
		for k := range ll {
			ll[k] = math.Float32frombits(le.LittleEndian.Uint32(row[8+4*k:]))
		}
		m.logLik.put(le.LittleEndian.Uint64(row), ll)
	}
	ns, err := le.ReadUvarint(br)
	if err != nil || ns > maxModelFeatures {
		return fail("word count", errors.Join(err, errors.New("out of range")))
	}
	for i := uint64(0); i < ns; i++ {
		h, err := u64()
		if err != nil {
			return fail("words", err)
		}
		if m.surface[h], err = str(); err != nil {
			return fail("words", err)
		}
	}
	if _, err := br.ReadByte(); err != io.EOF {
		return nil, errors.New("classify: model file: data after the end")
	}
	return m, nil
}

// CorpusModel is the model fitted on the embedded corpus alone, as embedded at build time.
var CorpusModel = sync.OnceValues(func() (*Model, error) {
	return DecodeModel(bytes.NewReader(embeddedModel))
})
