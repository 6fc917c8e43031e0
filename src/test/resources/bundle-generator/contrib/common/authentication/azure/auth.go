package azure

func (s EnvironmentSettings) clientID() string {
	v, _ := s.GetEnvironment("ClientID")
	return v
}
