package client

import (
	"context"
	"encoding/json"
)

// Refs lists the collection (narrowed by o's selectors) as references to its objects, in the server's
// order, each with its namespace, name and uid: what a command that acts on every match (delete, wait)
// iterates over.
func (r *Resource) Refs(ctx context.Context, o ListOptions) ([]Ref, error) {
	var out []Ref
	_, err := r.List(ctx, o, func(raw []byte) error {
		var obj struct{ Metadata Meta }
		if err := json.Unmarshal(raw, &obj); err != nil {
			return err
		}
		out = append(out, Ref{Type: r.Type, Namespace: obj.Metadata.Namespace, Name: obj.Metadata.Name, UID: obj.Metadata.UID})
		return nil
	})
	return out, err
}
