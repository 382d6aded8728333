package label

import (
	"fmt"
	"regexp"
)

// labelValueMaxLength and the checks below are apimachinery's IsValidLabelValue, worded as kubectl
// prints them, kept here so that the CLI does not link apimachinery.
const labelValueMaxLength = 63

const labelValueFmt = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?"

var labelValueRegexp = regexp.MustCompile("^" + labelValueFmt + "$")

func isValidLabelValue(value string) []string {
	var errs []string
	if len(value) > labelValueMaxLength {
		errs = append(errs, fmt.Sprintf("must be no more than %d characters", labelValueMaxLength))
	}
	if !labelValueRegexp.MatchString(value) {
		errs = append(errs, "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "+
			"and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "+
			"regex used for validation is '"+labelValueFmt+"')")
	}
	return errs
}
