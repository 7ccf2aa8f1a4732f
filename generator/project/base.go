package project

import (
	"github.com/stackpick/stackpick/generator"
	"github.com/stackpick/stackpick/generator/answers"
	"github.com/stackpick/stackpick/generator/render"
	"github.com/stackpick/stackpick/generator/update/base"
)

// AddBase adds to a plan made by Plan the project's base (.stackpick/base.txt): what
// this template version made of these answers, kept in the project so `update` can
// merge three ways without git, network or an old template. Only a project that is
// written gets it (new); compare and others look at the plan without it.
func AddBase(plan *generator.Plan) {
	var files []render.File
	for _, f := range plan.Rendered() {
		if f.Path != answers.RecordName {
			files = append(files, f)
		}
	}
	plan.Add(base.Path, base.Encode(files))
}
