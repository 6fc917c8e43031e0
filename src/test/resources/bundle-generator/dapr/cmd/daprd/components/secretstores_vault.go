//go:build allcomponents

package components

import (
	"github.com/dapr/components-contrib/secretstores/vault"
	secretstoresLoader "github.com/dapr/dapr/pkg/components/secretstores"
)

func init() {
	secretstoresLoader.DefaultRegistry.RegisterComponent(vault.NewVault, "vault")
}
