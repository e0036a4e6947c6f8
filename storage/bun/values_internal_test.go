package bunstore

import (
	"testing"
	"time"
)

func TestDBTimeRounding(t *testing.T) {
	tests := []struct {
		in         time.Time
		floor, cei string
	}{
		{time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), "2026-01-02 03:04:05.000000", "2026-01-02 03:04:05.000000"},
		{time.Date(2026, 1, 2, 3, 4, 5, 123456000, time.UTC), "2026-01-02 03:04:05.123456", "2026-01-02 03:04:05.123456"},
		{time.Date(2026, 1, 2, 3, 4, 5, 123456001, time.UTC), "2026-01-02 03:04:05.123456", "2026-01-02 03:04:05.123457"},
		{time.Date(2026, 1, 2, 3, 4, 5, 999999999, time.UTC), "2026-01-02 03:04:05.999999", "2026-01-02 03:04:06.000000"},
		// Other zones are converted to UTC.
		{time.Date(2026, 1, 2, 5, 4, 5, 0, time.FixedZone("X", 2*3600)), "2026-01-02 03:04:05.000000", "2026-01-02 03:04:05.000000"},
	}
	for _, tt := range tests {
		if got := dbTimeFloor(tt.in); got != tt.floor {
			t.Errorf("dbTimeFloor(%v) = %s, want %s", tt.in, got, tt.floor)
		}
		if got := dbTimeCeil(tt.in); got != tt.cei {
			t.Errorf("dbTimeCeil(%v) = %s, want %s", tt.in, got, tt.cei)
		}
	}
}

func TestDBTimeScan(t *testing.T) {
	want := time.Date(2025, 6, 1, 12, 0, 0, 250000000, time.UTC)
	tests := []struct {
		name  string
		in    any
		valid bool
	}{
		{"Nil", nil, false},
		{"Time", want.In(time.FixedZone("X", -7*3600)), true},
		{"SQLAlchemyText", "2025-06-01 12:00:00.250000", true},
		{"Bytes", []byte("2025-06-01 12:00:00.25"), true},
		{"ISO", "2025-06-01T12:00:00.25Z", true},
		{"Offset", "2025-06-01 14:00:00.25+02:00", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d dbTime
			if err := d.Scan(tt.in); err != nil {
				t.Fatalf("Scan(%v): %v", tt.in, err)
			}
			if d.Valid != tt.valid || (tt.valid && (!d.Time.Equal(want) || d.Time.Location() != time.UTC)) {
				t.Errorf("Scan(%v) = %v (valid %v), want %v (valid %v)", tt.in, d.Time, d.Valid, want, tt.valid)
			}
		})
	}
	for _, bad := range []any{"yesterday", 42} {
		var d dbTime
		if err := d.Scan(bad); err == nil {
			t.Errorf("Scan(%v) succeeded, want an error", bad)
		}
	}
}

func TestWindowBounds(t *testing.T) {
	tests := []struct {
		now        time.Time
		window     time.Duration
		start, end time.Time
	}{
		{time.Unix(100, 0), 7 * time.Second, time.Unix(98, 0), time.Unix(105, 0)},
		{time.Unix(98, 0), 7 * time.Second, time.Unix(98, 0), time.Unix(105, 0)},
		{time.Unix(-1, 0), 7 * time.Second, time.Unix(-7, 0), time.Unix(0, 0)},
		{time.Unix(0, 1), time.Hour, time.Unix(0, 0), time.Unix(3600, 0)},
	}
	for _, tt := range tests {
		start, end := windowBounds(tt.now, tt.window)
		if !start.Equal(tt.start) || !end.Equal(tt.end) {
			t.Errorf("windowBounds(%v, %v) = %v, %v; want %v, %v", tt.now, tt.window, start, end, tt.start, tt.end)
		}
	}
}
