package create

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/cmdutil"
	"github.com/kubex-cli/kubex/internal/iostreams"
)

func init() {
	extraGenerators = append(extraGenerators, newCmdService)
}

// intOrString is apimachinery's IntOrString: a number, or a name.
type intOrString struct {
	isString bool
	num      int32
	str      string
}

func (v intOrString) MarshalJSON() ([]byte, error) {
	if v.isString {
		return json.Marshal(v.str)
	}
	return json.Marshal(v.num)
}

// parseIntOrString is intstr.Parse: a number when the whole string is one, else the string.
func parseIntOrString(s string) intOrString {
	if n, err := strconv.Atoi(s); err == nil {
		return intOrString{num: int32(n)}
	}
	return intOrString{isString: true, str: s}
}

type servicePort struct {
	Name       string      `json:"name,omitempty"`
	Protocol   string      `json:"protocol,omitempty"`
	Port       int32       `json:"port"`
	TargetPort intOrString `json:"targetPort"`
	NodePort   int32       `json:"nodePort,omitempty"`
}

type serviceObj struct {
	base
	Spec struct {
		Ports        []servicePort     `json:"ports,omitempty"`
		Selector     map[string]string `json:"selector,omitempty"`
		ClusterIP    string            `json:"clusterIP,omitempty"`
		Type         string            `json:"type,omitempty"`
		ExternalName string            `json:"externalName,omitempty"`
	} `json:"spec"`
	Status struct {
		LoadBalancer struct{} `json:"loadBalancer"`
	} `json:"status"`
}

func newCmdService(f *cmdutil.Factory, streams *iostreams.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "service",
		Aliases: []string{"svc"},
		Short:   "Create a service using a specified subcommand",
		Long:    "Create a service using a specified subcommand.",
		Run:     func(cmd *cobra.Command, args []string) { _ = cmd.Help() },
	}
	cmd.AddCommand(
		newCmdServiceOfType(f, streams, "ClusterIP"),
		newCmdServiceOfType(f, streams, "NodePort"),
		newCmdServiceOfType(f, streams, "LoadBalancer"),
		newCmdServiceOfType(f, streams, "ExternalName"),
	)
	return cmd
}

// serviceTexts are the use line, long text and examples of each service subcommand.
var serviceTexts = map[string][3]string{
	"ClusterIP": {"clusterip NAME [--tcp=<port>:<targetPort>] [--dry-run=server|client|none]",
		"Create a ClusterIP service with the specified name.",
		"  # Create a new ClusterIP service named my-cs\n  kubex create service clusterip my-cs --tcp=5678:8080\n\n  # Create a new ClusterIP service named my-cs (in headless mode)\n  kubex create service clusterip my-cs --clusterip=\"None\""},
	"NodePort": {"nodeport NAME [--tcp=port:targetPort] [--dry-run=server|client|none]",
		"Create a NodePort service with the specified name.",
		"  # Create a new NodePort service named my-ns\n  kubex create service nodeport my-ns --tcp=5678:8080"},
	"LoadBalancer": {"loadbalancer NAME [--tcp=port:targetPort] [--dry-run=server|client|none]",
		"Create a LoadBalancer service with the specified name.",
		"  # Create a new LoadBalancer service named my-lbs\n  kubex create service loadbalancer my-lbs --tcp=5678:8080"},
	"ExternalName": {"externalname NAME --external-name external.name [--dry-run=server|client|none]",
		"Create an ExternalName service with the specified name.\n\n ExternalName service references to an external DNS address instead of only pods, which will allow application authors to reference services that exist off platform, on other clusters, or locally.",
		"  # Create a new ExternalName service named my-ns\n  kubex create service externalname my-ns --external-name bar.com"},
}

var dns1123Subdomain = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)

func newCmdServiceOfType(f *cmdutil.Factory, streams *iostreams.IOStreams, typ string) *cobra.Command {
	o := newCommon(f, streams)
	var tcp []string
	var clusterIP, externalName string
	var nodePort int
	texts := serviceTexts[typ]
	short := "Create a " + typ + " service"
	if typ == "ExternalName" {
		short = "Create an ExternalName service"
	}
	cmd := newGenerator(&o, genSpec{
		use: texts[0], short: short, long: texts[1], example: texts[2],
		build: func(_ context.Context, name string, _ []string) (generated, error) {
			if clusterIP == "None" && typ != "ClusterIP" {
				return nil, errors.New("ClusterIP=None can only be used with ClusterIP service type")
			}
			if clusterIP != "None" && len(tcp) == 0 && typ != "ExternalName" {
				return nil, errors.New("at least one tcp port specifier must be provided")
			}
			if typ == "ExternalName" && (len(externalName) > 253 || !dns1123Subdomain.MatchString(externalName)) {
				return nil, fmt.Errorf("invalid service external name %s", externalName)
			}
			s := &serviceObj{base: newBase("v1", "Service", name, o.enforced())}
			for _, spec := range tcp {
				port, target, err := parseServicePorts(spec)
				if err != nil {
					return nil, err
				}
				s.Spec.Ports = append(s.Spec.Ports, servicePort{Name: strings.ReplaceAll(spec, ":", "-"), Protocol: "TCP",
					Port: port, TargetPort: target, NodePort: int32(nodePort)})
			}
			s.Metadata.Labels = map[string]string{"app": name}
			s.Spec.Selector = map[string]string{"app": name}
			s.Spec.Type, s.Spec.ExternalName, s.Spec.ClusterIP = typ, externalName, clusterIP
			return s, nil
		},
		wrap: wrapf("failed to create " + typ + " service: "),
	})
	fs := cmd.Flags()
	tcpFlag := func() {
		fs.StringSliceVar(&tcp, "tcp", nil, "Port pairs can be specified as '<port>:<targetPort>'.")
	}
	switch typ {
	case "ClusterIP":
		tcpFlag()
		fs.StringVar(&clusterIP, "clusterip", "", "Assign your own ClusterIP or set to 'None' for a 'headless' service (no loadbalancing).")
	case "NodePort":
		fs.IntVar(&nodePort, "node-port", 0, "Port used to expose the service on each node in a cluster.")
		tcpFlag()
	case "LoadBalancer":
		tcpFlag()
	case "ExternalName":
		tcpFlag()
		fs.StringVar(&externalName, "external-name", "", "External name of service")
		_ = cmd.MarkFlagRequired("external-name")
	}
	return cmd
}

var (
	portNameCharset   = regexp.MustCompile(`^[-a-z0-9]+$`)
	portNameOneLetter = regexp.MustCompile(`[a-z]`)
)

// parseServicePorts reads "port[:targetPort]" as kubectl does: the target is a number (1-65535) or a
// port name.
func parseServicePorts(spec string) (int32, intOrString, error) {
	parts := strings.Split(spec, ":")
	port, err := strconv.ParseUint(parts[0], 10, 16)
	if err != nil {
		return 0, intOrString{}, err
	}
	if len(parts) == 1 {
		return int32(port), intOrString{num: int32(port)}, nil
	}
	target := parts[1]
	if n, err := strconv.Atoi(target); err == nil {
		if n < 1 || n > 65535 {
			return 0, intOrString{}, errors.New("must be between 1 and 65535, inclusive")
		}
		return int32(port), intOrString{num: int32(n)}, nil
	}
	var errs []string
	if len(target) > 15 {
		errs = append(errs, "must be no more than 15 characters")
	}
	if !portNameCharset.MatchString(target) {
		errs = append(errs, "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
	}
	if !portNameOneLetter.MatchString(target) {
		errs = append(errs, "must contain at least one letter (a-z)")
	}
	if strings.Contains(target, "--") {
		errs = append(errs, "must not contain consecutive hyphens")
	}
	if len(target) > 0 && (target[0] == '-' || target[len(target)-1] == '-') {
		errs = append(errs, "must not begin or end with a hyphen")
	}
	if len(errs) != 0 {
		return 0, intOrString{}, errors.New(strings.Join(errs, ","))
	}
	return int32(port), intOrString{isString: true, str: target}, nil
}
