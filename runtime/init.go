// Initial-state sampling from a Gaussian with diagonal covariance.

package runtime

// InitNormal sets x[i] = mean[i] + std*z_i with z_i independent N(0,1)
// draws from s, taken in index order. A nil mean means the zero vector;
// otherwise mean must be at least as long as x.
func InitNormal(x, mean []float64, std float64, s *Stream) {
	if mean == nil {
		for i := range x {
			x[i] = std * s.Normal()
		}
		return
	}
	mean = mean[:len(x)]
	for i := range x {
		x[i] = mean[i] + std*s.Normal()
	}
}
