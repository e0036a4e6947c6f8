package main

import (
	"database/sql"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	nethttpauth "github.com/zincware/zndraw-auth-go/adapters/nethttp"
	"github.com/zincware/zndraw-auth-go/core"
	"github.com/zincware/zndraw-auth-go/httpapi"
)

// maxJobBody limits the body of POST /jobs.
const maxJobBody = 64 << 10

// jobOut is the JSON form of a job, as the reference returns it.
type jobOut struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Status string `json:"status"`
}

func newJobOut(j Job) jobOut { return jobOut{ID: j.ID.String(), Name: j.Name, Status: j.Status} }

// jobRoutes are the host application's routes on its own table. Every
// route is wrapped in kit.RequireUser, so it runs only for an active user
// (401 {"detail":"Unauthorized"} otherwise, exactly like the kit's routes)
// and reads that user with core.UserFromContext.
type jobRoutes struct {
	db  bun.IDB
	log *slog.Logger
}

// mount registers POST /jobs, GET /jobs and GET /jobs/{id} (and the
// reference's spellings with a trailing slash) on mux.
func (jr jobRoutes) mount(mux *http.ServeMux, kit *nethttpauth.Kit) {
	create := kit.RequireUser(http.HandlerFunc(jr.create))
	list := kit.RequireUser(http.HandlerFunc(jr.list))
	mux.Handle("POST /jobs", create)
	mux.Handle("POST /jobs/{$}", create)
	mux.Handle("GET /jobs", list)
	mux.Handle("GET /jobs/{$}", list)
	mux.Handle("GET /jobs/{id}", kit.RequireUser(http.HandlerFunc(jr.get)))
}

// create is POST /jobs {"name": "..."}: a new pending job of the current
// user, 201 {"id","name","status"}. Like the reference (where name is a
// query parameter), ?name= is accepted when there is no body.
func (jr jobRoutes) create(w http.ResponseWriter, r *http.Request) {
	user, _ := core.UserFromContext(r.Context())
	var in struct {
		Name *string `json:"name"`
	}
	if r.ContentLength != 0 {
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxJobBody)).Decode(&in); err != nil {
			invalid(w, httpapi.ValidationError{Type: "json_invalid", Loc: []any{"body"}, Msg: "JSON decode error", Input: json.RawMessage("null")})
			return
		}
	} else if q := r.URL.Query(); q.Has("name") {
		name := q.Get("name")
		in.Name = &name
	}
	switch {
	case in.Name == nil:
		invalid(w, httpapi.ValidationError{Type: "missing", Loc: []any{"body", "name"}, Msg: "Field required", Input: json.RawMessage("null")})
		return
	case utf8.RuneCountInString(*in.Name) > maxJobName:
		invalid(w, httpapi.ValidationError{Type: "string_too_long", Loc: []any{"body", "name"},
			Msg: "String should have at most 255 characters", Input: json.RawMessage("null"), Ctx: map[string]int{"max_length": maxJobName}})
		return
	}
	job := Job{ID: uuid.New(), Name: *in.Name, Status: StatusPending, UserID: user.ID}
	if _, err := jr.db.NewInsert().Model(&job).Exec(r.Context()); err != nil {
		jr.internalError(w, r, err)
		return
	}
	nethttpauth.Write(w, httpapi.JSON(http.StatusCreated, newJobOut(job)))
}

// list is GET /jobs: the current user's jobs, never anyone else's.
func (jr jobRoutes) list(w http.ResponseWriter, r *http.Request) {
	user, _ := core.UserFromContext(r.Context())
	var jobs []Job
	err := jr.db.NewSelect().Model(&jobs).Where("user_id = ?", user.ID).OrderExpr("name, id").Scan(r.Context())
	if err != nil {
		jr.internalError(w, r, err)
		return
	}
	out := make([]jobOut, 0, len(jobs))
	for _, j := range jobs {
		out = append(out, newJobOut(j))
	}
	nethttpauth.Write(w, httpapi.JSON(http.StatusOK, out))
}

// get is GET /jobs/{id}: one job of the current user. Someone else's job
// answers exactly like a missing one, 404 {"detail":"Job not found"}, so
// ids of other users' jobs cannot be probed. A malformed id is a 404 too
// (the reference answers 422).
func (jr jobRoutes) get(w http.ResponseWriter, r *http.Request) {
	user, _ := core.UserFromContext(r.Context())
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		jobNotFound(w)
		return
	}
	var job Job
	err = jr.db.NewSelect().Model(&job).Where("id = ? AND user_id = ?", id, user.ID).Scan(r.Context())
	switch {
	case errors.Is(err, sql.ErrNoRows):
		jobNotFound(w)
	case err != nil:
		jr.internalError(w, r, err)
	default:
		nethttpauth.Write(w, httpapi.JSON(http.StatusOK, newJobOut(job)))
	}
}

func jobNotFound(w http.ResponseWriter) {
	nethttpauth.Write(w, httpapi.JSON(http.StatusNotFound, map[string]string{"detail": "Job not found"}))
}

// invalid answers 422 in FastAPI's shape, like the kit's own routes.
func invalid(w http.ResponseWriter, items ...httpapi.ValidationError) {
	nethttpauth.Write(w, httpapi.JSON(http.StatusUnprocessableEntity, map[string]any{"detail": items}))
}

// internalError logs err and answers a generic 500.
func (jr jobRoutes) internalError(w http.ResponseWriter, r *http.Request, err error) {
	jr.log.ErrorContext(r.Context(), "jobs: internal error", "method", r.Method, "path", r.URL.Path, "error", err)
	nethttpauth.Write(w, httpapi.JSON(http.StatusInternalServerError, map[string]string{"detail": "Internal Server Error"}))
}
