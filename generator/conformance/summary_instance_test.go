package conformance

import "testing"

func TestInstanceIsPath(t *testing.T) {
	for _, tt := range []struct {
		status         int
		instance, path string
		want           bool
	}{
		{404, "/v1/items/x", "/v1/items/x", true},
		{404, "/", "/v1/items/x", false},
		{431, "/", "/livez", true},
		{408, "/", "/livez", true},
		{431, "/other", "/livez", false},
		{400, "/", "/livez", false},
	} {
		if got := instanceIsPath(tt.status, tt.instance, tt.path); got != tt.want {
			t.Errorf("%d %q for %q: %v, want %v", tt.status, tt.instance, tt.path, got, tt.want)
		}
	}
}
