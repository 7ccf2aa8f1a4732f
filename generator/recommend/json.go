package recommend

import (
	"bytes"
	"encoding/json"
	"sort"
)

// MarshalJSON writes a row as {"id", one member per stack id with its points,
// "reason", "caveats"}: the member names stay stable as long as the stacks do, and a
// new stack adds a member instead of changing the shape.
func (r Row) MarshalJSON() ([]byte, error) {
	stacks := r.stacks
	if stacks == nil {
		for s := range r.Points {
			stacks = append(stacks, s)
		}
		sort.Strings(stacks)
	}
	var b bytes.Buffer
	b.WriteString(`{"id":`)
	if err := writeValue(&b, r.ID); err != nil {
		return nil, err
	}
	for _, s := range stacks {
		b.WriteByte(',')
		if err := writeValue(&b, s); err != nil {
			return nil, err
		}
		b.WriteByte(':')
		if err := writeValue(&b, r.Points[s]); err != nil {
			return nil, err
		}
	}
	b.WriteString(`,"reason":`)
	if err := writeValue(&b, r.Reason); err != nil {
		return nil, err
	}
	caveats := r.Caveats
	if caveats == nil {
		caveats = []string{}
	}
	b.WriteString(`,"caveats":`)
	if err := writeValue(&b, caveats); err != nil {
		return nil, err
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func writeValue(b *bytes.Buffer, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	b.Write(raw)
	return nil
}
