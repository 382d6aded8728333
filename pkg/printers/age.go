package printers

import (
	"fmt"
	"time"
)

// HumanDuration is how kubectl prints an age: about two or three significant figures ("90s", "4m10s",
// "5h3m", "12d"). Up to a second in the future (clock skew) counts as now.
func HumanDuration(d time.Duration) string {
	if seconds := int(d.Seconds()); seconds < -1 {
		return "<invalid>"
	} else if seconds < 0 {
		return "0s"
	} else if seconds < 2*60 {
		return fmt.Sprintf("%ds", seconds)
	}
	minutes := int(d / time.Minute)
	switch {
	case minutes < 10:
		return withRest(minutes, "m", int(d/time.Second)%60, "s")
	case minutes < 3*60:
		return fmt.Sprintf("%dm", minutes)
	}
	hours := int(d / time.Hour)
	switch {
	case hours < 8:
		return withRest(hours, "h", minutes%60, "m")
	case hours < 48:
		return fmt.Sprintf("%dh", hours)
	case hours < 8*24:
		return withRest(hours/24, "d", hours%24, "h")
	case hours < 2*365*24:
		return fmt.Sprintf("%dd", hours/24)
	case hours < 8*365*24:
		return withRest(hours/24/365, "y", (hours/24)%365, "d")
	}
	return fmt.Sprintf("%dy", hours/24/365)
}

// withRest prints "4m10s", or "4m" when the smaller unit is zero.
func withRest(n int, unit string, rest int, restUnit string) string {
	if rest == 0 {
		return fmt.Sprintf("%d%s", n, unit)
	}
	return fmt.Sprintf("%d%s%d%s", n, unit, rest, restUnit)
}

// Age is the AGE cell of an object created at the RFC 3339 time created, as of now; "<unknown>" when the
// object has no creation time.
func Age(created string, now time.Time) string {
	t, err := time.Parse(time.RFC3339, created)
	if err != nil || t.IsZero() {
		return "<unknown>"
	}
	return HumanDuration(now.Sub(t))
}
