package cmdutil

import (
	"fmt"
	"io"

	"github.com/kubex-cli/kubex/pkg/client"
)

// PodContainer is p's container called name, or with name "" its default one, printing kubectl's note on
// warn when the default was taken among others (nil warn, as with --quiet, prints nothing).
func PodContainer(p *client.Pod, name string, warn io.Writer) (*client.Container, error) {
	c, amongOthers, err := p.Container(name)
	if err != nil {
		return nil, err
	}
	if amongOthers && warn != nil {
		fmt.Fprintf(warn, "Defaulted container %q out of: %s\n", c.Name, p.AllContainerNames())
	}
	return c, nil
}
