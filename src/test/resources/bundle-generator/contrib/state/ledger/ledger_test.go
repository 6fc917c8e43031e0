package ledger

type testOnly struct {
	Name string `mapstructure:"testOnlyName"`
}
