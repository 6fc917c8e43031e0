//go:build allcomponents || stablecomponents

package components

import (
	"github.com/dapr/components-contrib/state/ledger"
	stateLoader "github.com/dapr/dapr/pkg/components/state"
)

func init() {
	stateLoader.DefaultRegistry.RegisterComponentWithVersions("ledger", components.Versioning{
		Preferred: components.VersionConstructor{
			Version: "v2", Constructor: ledger.NewLedgerV2,
		},
		Deprecated: []components.VersionConstructor{
			{Version: "v1", Constructor: ledger.NewLedger},
		},
		Default: "v1",
	})
	stateLoader.DefaultRegistry.RegisterComponent(ledger.NewLedger, "books")
}
