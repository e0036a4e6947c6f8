// Package ginauth mounts the zndraw-auth routes on a gin router (a
// *gin.Engine or any *gin.RouterGroup) and offers gin middleware for the
// three access levels of zndraw-auth: active user, superuser, optional user.
//
// It is a thin translation layer: every route, status code, error body and
// validation rule lives in the transport-neutral package httpapi, shared
// with the net/http and fiber adapters, so all three answer byte for byte
// alike.
//
//	kit, err := ginauth.New(httpapi.Config{Service: svc})
//	if err != nil {
//		return err
//	}
//	r := gin.New()
//	r.RedirectTrailingSlash = false           // 404, like net/http, instead of gin's 301/307
//	kit.Mount(r)                              // /auth/jwt/login, /users/me, ...
//	r.GET("/protected", kit.RequireUser(), func(c *gin.Context) {
//		user, _ := ginauth.UserFromContext(c)
//		c.JSON(http.StatusOK, gin.H{"message": "Hello " + user.Email + "!"})
//	})
//	r.NoRoute(ginauth.NotFoundHandler())      // {"detail":"Not Found"} for unknown paths
//
// Mount registers each path for the methods it serves only (gin's debug
// mode lists one line per route); other methods get the kit's JSON 405
// through gin's NoMethod machinery, which Mount sets up when given the
// *gin.Engine (see Mount for a group).
//
// # Engine settings
//
// One gin default should change, and one difference remains:
//
//   - RedirectTrailingSlash (default true) answers "/users/me/" with a 301
//     (GET) or 307 redirect; set it to false for the JSON 404 of the other
//     adapters.
//   - gin routes on the decoded path, so an encoded slash ("%2F") inside a
//     path parameter splits the segment and the path matches no route
//     (404 {"detail":"Not Found"} through NoRoute), where net/http and
//     fiber pass the decoded value to the route. Do not set UseEscapedPath
//     or UseRawPath to change that while UnescapePathValues is on: gin then
//     unescapes parameters with query rules ("+" becomes a space).
//
// The client address is taken from the connection (Request.RemoteAddr), not
// from gin's ClientIP: X-Forwarded-For is honoured only for the proxies in
// httpapi.Config.TrustedProxies.
package ginauth
