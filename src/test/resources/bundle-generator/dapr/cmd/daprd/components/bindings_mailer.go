//go:build allcomponents

package components

import (
	"github.com/dapr/components-contrib/bindings/mailer"
	bindingsLoader "github.com/dapr/dapr/pkg/components/bindings"
)

func init() {
	bindingsLoader.DefaultRegistry.RegisterOutputBinding(mailer.NewMailer, "mail.sender")
	bindingsLoader.DefaultRegistry.RegisterOutputBinding(mailer.NewMailer, "mailer")
}
