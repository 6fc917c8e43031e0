package ledger

import (
	azauth "github.com/dapr/components-contrib/common/authentication/azure"
	"github.com/dapr/kit/retry"
)

func Open(region, archive string, props map[string]string) error {
	v, _ := azauth.GetMetadataProperty(props, azauth.MetadataKeys["StorageAccountName"]...)
	metadata.TryGetTTL(props)
	return retry.DecodeConfigWithPrefix(&cfg, props, "backOff")
}
