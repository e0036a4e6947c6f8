package httpapi

// NewAdapter builds the API of cfg and hands it to wrap, an adapter's
// constructor of its Kit: the New every adapter shares.
//
//	func New(cfg httpapi.Config) (*Kit, error) {
//		return httpapi.NewAdapter(cfg, func(api *httpapi.API) *Kit { return &Kit{api} })
//	}
func NewAdapter[K any](cfg Config, wrap func(*API) K) (K, error) {
	api, err := New(cfg)
	if err != nil {
		var zero K
		return zero, err
	}
	return wrap(api), nil
}
