package httpapi

import "testing"

func TestColonPath(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/auth/jwt/login", "/auth/jwt/login"},
		{"/users/{id}", "/users/:id"},
		{"/admin/users/{user_id}/token", "/admin/users/:user_id/token"},
		{"/a/{x}/b/{y}", "/a/:x/b/:y"},
		{"/broken/{x", "/broken/{x"},
		{"", ""},
	} {
		if got := ColonPath(tc.in); got != tc.want {
			t.Errorf("ColonPath(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
