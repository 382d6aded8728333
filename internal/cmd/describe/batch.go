package describe

import "github.com/kubex-cli/kubex/pkg/printers"

func describeJob(e *env, job obj) (string, error) {
	events := e.events(job)
	return tabbed(func(w *writer) error {
		spec, status := job.m("spec"), job.m("status")
		w.write(l0, "Name:\t%s\n", job.name())
		w.write(l0, "Namespace:\t%s\n", job.namespace())
		w.write(l0, "Selector:\t%s\n", selectorString(spec.m("selector")))
		labelsMultiline(w, "Labels", job.labels())
		annotationsMultiline(w, "Annotations", job.annotations())
		if c := controller(job); c != "" {
			w.write(l0, "Controlled By:\t%s\n", c)
		}
		if spec.has("parallelism") {
			w.write(l0, "Parallelism:\t%d\n", spec.num("parallelism"))
		}
		if spec.has("completions") {
			w.write(l0, "Completions:\t%d\n", spec.num("completions"))
		} else {
			w.write(l0, "Completions:\t<unset>\n")
		}
		if spec.has("completionMode") {
			w.write(l0, "Completion Mode:\t%s\n", spec.str("completionMode"))
		}
		if spec.has("suspend") {
			w.write(l0, "Suspend:\t%v\n", spec.boolean("suspend"))
		}
		if spec.has("backoffLimit") {
			w.write(l0, "Backoff Limit:\t%v\n", spec.num("backoffLimit"))
		}
		if spec.has("ttlSecondsAfterFinished") {
			w.write(l0, "TTL Seconds After Finished:\t%v\n", spec.num("ttlSecondsAfterFinished"))
		}
		start, done := status.str("startTime"), status.str("completionTime")
		if start != "" {
			w.write(l0, "Start Time:\t%s\n", rfc1123z(start))
		}
		if done != "" {
			w.write(l0, "Completed At:\t%s\n", rfc1123z(done))
		}
		if start != "" && done != "" {
			w.write(l0, "Duration:\t%s\n", printers.HumanDuration(parseTime(done).Sub(parseTime(start))))
		}
		if spec.has("activeDeadlineSeconds") {
			w.write(l0, "Active Deadline Seconds:\t%ds\n", spec.num("activeDeadlineSeconds"))
		}
		if !status.has("ready") {
			w.write(l0, "Pods Statuses:\t%d Active / %d Succeeded / %d Failed\n", status.num("active"), status.num("succeeded"), status.num("failed"))
		} else {
			w.write(l0, "Pods Statuses:\t%d Active (%d Ready) / %d Succeeded / %d Failed\n", status.num("active"), status.num("ready"), status.num("succeeded"), status.num("failed"))
		}
		if spec.str("completionMode") == "Indexed" {
			w.write(l0, "Completed Indexes:\t%s\n", capIndexes(status.str("completedIndexes"), 50))
		}
		describePodTemplate(w, spec.m("template"))
		if events != nil {
			describeEvents(events, w)
		}
		return nil
	})
}

// capIndexes shortens a completed-indexes list after softLimit characters, at the next comma.
func capIndexes(indexes string, softLimit int) string {
	if indexes == "" {
		return "<none>"
	}
	ix := softLimit
	for ; ix < len(indexes); ix++ {
		if indexes[ix] == ',' {
			break
		}
	}
	if ix >= len(indexes) {
		return indexes
	}
	return indexes[:ix+1] + "..."
}

func describeCronJob(e *env, cj obj) (string, error) {
	events := e.events(cj)
	return tabbed(func(w *writer) error {
		spec := cj.m("spec")
		w.write(l0, "Name:\t%s\n", cj.name())
		w.write(l0, "Namespace:\t%s\n", cj.namespace())
		labelsMultiline(w, "Labels", cj.labels())
		annotationsMultiline(w, "Annotations", cj.annotations())
		w.write(l0, "Schedule:\t%s\n", spec.str("schedule"))
		w.write(l0, "Concurrency Policy:\t%s\n", spec.str("concurrencyPolicy"))
		w.write(l0, "Suspend:\t%s\n", boolPtr(spec, "suspend"))
		optional := func(label, field, unit string) {
			if spec.has(field) {
				w.write(l0, "%s:\t%d%s\n", label, spec.num(field), unit)
			} else {
				w.write(l0, "%s:\t<unset>\n", label)
			}
		}
		optional("Successful Job History Limit", "successfulJobsHistoryLimit", "")
		optional("Failed Job History Limit", "failedJobsHistoryLimit", "")
		optional("Starting Deadline Seconds", "startingDeadlineSeconds", "s")
		describeJobTemplate(w, spec.m("jobTemplate"))
		if t := cj.str("status", "lastScheduleTime"); t != "" {
			w.write(l0, "Last Schedule Time:\t%s\n", rfc1123z(t))
		} else {
			w.write(l0, "Last Schedule Time:\t<unset>\n")
		}
		w.write(l0, "Active Jobs:\t")
		active := cj.list("status", "active")
		if len(active) == 0 {
			w.line("<none>")
		} else {
			for i, j := range active {
				if i != 0 {
					w.write(l0, ", ")
				}
				w.write(l0, "%s", j.str("name"))
			}
			w.line("")
		}
		if events != nil {
			describeEvents(events, w)
		}
		return nil
	})
}

func describeJobTemplate(w *writer, jt obj) {
	spec := jt.m("spec")
	if spec.has("selector") {
		w.write(l0, "Selector:\t%s\n", selectorString(spec.m("selector")))
	} else {
		w.write(l0, "Selector:\t<unset>\n")
	}
	for _, f := range []struct{ label, field string }{{"Parallelism", "parallelism"}, {"Completions", "completions"}} {
		if spec.has(f.field) {
			w.write(l0, "%s:\t%d\n", f.label, spec.num(f.field))
		} else {
			w.write(l0, "%s:\t<unset>\n", f.label)
		}
	}
	if spec.has("activeDeadlineSeconds") {
		w.write(l0, "Active Deadline Seconds:\t%ds\n", spec.num("activeDeadlineSeconds"))
	}
	describePodTemplate(w, spec.m("template"))
}

// boolPtr is kubectl's printBoolPtr: True, False or <unset>.
func boolPtr(o obj, field string) string {
	if !o.has(field) {
		return "<unset>"
	}
	return printBool(o.boolean(field))
}
