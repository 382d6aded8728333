package config

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kubex-cli/kubex/internal/iostreams"
)

// PropertyOptions are the inputs of `kubex config set` and `kubex config unset`.
type PropertyOptions struct {
	Loader StackLoader
	Out    io.Writer

	Name        string
	Value       string
	SetRawBytes bool
	Unset       bool
}

// NewCmdConfigSet builds `kubex config set`.
func NewCmdConfigSet(l StackLoader, streams *iostreams.IOStreams) *cobra.Command {
	o := &PropertyOptions{Loader: l, Out: streams.Out}
	cmd := &cobra.Command{
		Use:                   "set PROPERTY_NAME PROPERTY_VALUE",
		DisableFlagsInUseLine: true,
		Short:                 "Set an individual value in a kubeconfig file",
		Long: `Set an individual value in a kubeconfig file.

 PROPERTY_NAME is a dot delimited name where each token represents either an attribute name or a map key.  Map keys may not contain dots.

 PROPERTY_VALUE is the new value you want to set. Binary fields such as 'certificate-authority-data' expect a base64 encoded string unless the --set-raw-bytes flag is used.

 Specifying an attribute name that already exists will merge new fields on top of existing values.`,
		Example: `  # Set the server field on the my-cluster cluster to https://1.2.3.4
  kubex config set clusters.my-cluster.server https://1.2.3.4

  # Set the certificate-authority-data field on the my-cluster cluster
  kubex config set clusters.my-cluster.certificate-authority-data $(echo "cert_data_here" | base64 -i -)

  # Set the cluster field in the my-context context to my-cluster
  kubex config set contexts.my-context.cluster my-cluster

  # Set the client-key-data field in the cluster-admin user using --set-raw-bytes option
  kubex config set users.cluster-admin.client-key-data cert_data_here --set-raw-bytes=true`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) != 2 {
				return helpErrorf(cmd, "Unexpected args: %v", args)
			}
			o.Name, o.Value = args[0], args[1]
			if err := o.Run(); err != nil {
				return err
			}
			_, err := fmt.Fprintf(o.Out, "Property %q set.\n", o.Name)
			return err
		},
	}
	cmd.Flags().BoolVar(&o.SetRawBytes, "set-raw-bytes", false, "When writing a []byte PROPERTY_VALUE, write the given string directly without base64 decoding.")
	return cmd
}

// NewCmdConfigUnset builds `kubex config unset`.
func NewCmdConfigUnset(l StackLoader, streams *iostreams.IOStreams) *cobra.Command {
	o := &PropertyOptions{Loader: l, Out: streams.Out, Unset: true}
	return &cobra.Command{
		Use:                   "unset PROPERTY_NAME",
		DisableFlagsInUseLine: true,
		Short:                 "Unset an individual value in a kubeconfig file",
		Long: `Unset an individual value in a kubeconfig file.

 PROPERTY_NAME is a dot delimited name where each token represents either an attribute name or a map key.  Map keys may not contain dots.`,
		Example: `  # Unset the current-context
  kubex config unset current-context

  # Unset namespace in foo context
  kubex config unset contexts.foo.namespace`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return helpErrorf(cmd, "Unexpected args: %v", args)
			}
			o.Name = args[0]
			if err := o.Run(); err != nil {
				return err
			}
			_, err := fmt.Fprintf(o.Out, "Property %q unset.\n", o.Name)
			return err
		},
	}
}

// Run sets or unsets the property in the merged config and writes the change to the file that holds it.
func (o *PropertyOptions) Run() error {
	if !o.Unset && o.Value == "" {
		return errors.New("you cannot use set to unset a property")
	}
	if o.Name == "" {
		return errors.New("you must specify a property")
	}
	s, err := o.Loader.KubeconfigStack()
	if err != nil {
		return err
	}
	cfg := s.Merged()
	if err := o.modify(reflect.ValueOf(cfg).Elem(), strings.Split(o.Name, ".")); err != nil {
		return err
	}
	return s.Modify(cfg)
}

// modify walks v along parts, as kubectl's config set does: struct fields by their kubeconfig key, named
// lists (clusters, users, contexts, extensions) by entry name, which may hold dots (the name ends before
// the first part that is a key of the entry), then sets or clears the value at the end.
func (o *PropertyOptions) modify(v reflect.Value, parts []string) error {
	return o.walk(v, parts, 0)
}

// walk is modify at depth steps from the top.
func (o *PropertyOptions) walk(v reflect.Value, parts []string, depth int) error {
	if v.Kind() == reflect.Pointer {
		// kubectl's path parser stops at an optional block (exec, auth-provider).
		if len(parts) > 0 {
			return fmt.Errorf("unable to parse one or more field values of %v", o.Name)
		}
		if v.IsNil() {
			if o.Unset {
				return nil
			}
			v.Set(reflect.New(v.Type().Elem()))
		}
		v = v.Elem()
	}
	switch {
	case v.Kind() == reflect.Struct:
		if len(parts) == 0 {
			return fmt.Errorf("unable to locate path %q under %v", "", v.Type())
		}
		for i := range v.NumField() {
			if key, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ","); key == parts[0] {
				f := v.Field(i)
				if len(parts) == 1 && o.Unset {
					f.Set(reflect.Zero(f.Type()))
					return nil
				}
				return o.walk(f, parts[1:], depth+1)
			}
		}
		after := "[]"
		if depth > 0 {
			after = "[" + strings.Join(strings.Split(o.Name, ".")[:depth], " ") + "]"
		}
		return fmt.Errorf("unable to parse %v after %v at api.%v", o.Name, after, v.Type().Name())
	case isNamedList(v.Type()):
		if len(parts) == 0 {
			if o.Unset {
				v.Set(reflect.Zero(v.Type()))
				return nil
			}
			return fmt.Errorf("can't set a map to a value: %v", v.Type())
		}
		n := nameLength(parts, v.Type().Elem().Field(1).Type)
		name, rest := strings.Join(parts[:n], "."), parts[n:]
		if len(rest) == 0 && !o.Unset {
			names := make([]string, v.Len())
			for i := range v.Len() {
				names[i] = v.Index(i).Field(0).String()
			}
			return fmt.Errorf("can't set a map to a value: map[%s]", strings.Join(names, " "))
		}
		for i := range v.Len() {
			if v.Index(i).Field(0).String() == name {
				if len(rest) == 0 && o.Unset {
					v.Set(reflect.AppendSlice(v.Slice(0, i), v.Slice(i+1, v.Len())))
					return nil
				}
				return o.walk(v.Index(i).Field(1), rest, depth+n)
			}
		}
		switch {
		case o.Unset && len(rest) == 0:
			return nil
		case o.Unset:
			return fmt.Errorf("current map key `%v` is invalid", name)
		}
		entry := reflect.New(v.Type().Elem()).Elem()
		entry.Field(0).SetString(name)
		if err := o.walk(entry.Field(1), rest, depth+n); err != nil {
			return err
		}
		v.Set(reflect.Append(v, entry))
		return nil
	case len(parts) > 0:
		return fmt.Errorf("can't have more steps after a %v. %v", v.Kind(), parts)
	case o.Unset:
		v.Set(reflect.Zero(v.Type()))
		return nil
	case v.Kind() == reflect.String:
		v.SetString(o.Value)
		return nil
	case v.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(o.Value)
		if err != nil {
			return err
		}
		v.SetBool(b)
		return nil
	case v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8:
		if o.SetRawBytes {
			v.SetBytes([]byte(o.Value))
			return nil
		}
		b, err := base64.StdEncoding.DecodeString(o.Value)
		if err != nil {
			return fmt.Errorf("error decoding input value: %v", err)
		}
		v.SetBytes(b)
		return nil
	case v.Kind() == reflect.Slice:
		return fmt.Errorf("unrecognized slice type. %v", v.Type().Elem().Kind())
	}
	return fmt.Errorf("unrecognized type: %v", v.Type())
}

// isNamedList reports whether t is a kubeconfig list of named entries ([]NamedCluster and the like).
func isNamedList(t reflect.Type) bool {
	if t.Kind() != reflect.Slice || t.Elem().Kind() != reflect.Struct || t.Elem().NumField() != 2 {
		return false
	}
	return t.Elem().Field(0).Name == "Name" && t.Elem().Field(0).Type.Kind() == reflect.String
}

// nameLength is how many parts an entry name takes: up to the first later part that is a key of the
// entry's value type, else all of them.
func nameLength(parts []string, value reflect.Type) int {
	for value.Kind() == reflect.Pointer {
		value = value.Elem()
	}
	keys := map[string]bool{}
	if value.Kind() == reflect.Struct {
		for i := range value.NumField() {
			key, _, _ := strings.Cut(value.Field(i).Tag.Get("json"), ",")
			keys[key] = true
		}
	}
	for i := 1; i < len(parts); i++ {
		if keys[parts[i]] {
			return i
		}
	}
	return len(parts)
}
