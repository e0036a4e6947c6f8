// Package client is a Go client for a zndraw-auth server (this kit or the
// Python reference): registration, password login, the current user,
// logout, and the CLI (device-code) login that command-line tools use.
//
// The smallest CLI login:
//
//	c := client.New("https://zndraw.example.com")
//	ch, err := c.StartCLILogin(ctx)
//	if err != nil {
//		return err
//	}
//	fmt.Printf("Open %s and check that it shows the code %s\n", ch.ApproveURL, ch.Code)
//	token, err := c.WaitCLILogin(ctx, ch, nil)
//	switch {
//	case errors.Is(err, client.ErrChallengeNotFound):
//		// denied in the browser (or already used)
//	case errors.Is(err, client.ErrChallengeExpired):
//		// nobody approved in time: start again
//	}
//
// Every error the server answers is an *Error carrying the status and the
// detail of zndraw-auth's {"detail": ...} body; compare it with errors.Is
// against the Err* values.
package client
