package ledger

import (
	"github.com/dapr/components-contrib/common/component/ledger"
	kitmd "github.com/dapr/kit/metadata"
)

// the struct is decoded with kitmd.DecodeMetadata
type ledgerMetadata struct {
	TableName string        `mapstructure:"tableName"`
	Timeout   time.Duration `mapstructure:"timeout" mapstructurealiases:"timeoutInSeconds"`
	// Old   string `mapstructure:"commentedOut"`
	Hidden string `mapstructure:"shardCount"`
	Skip   string `mapstructure:"-"`
}

func (l *Ledger) Init(meta Metadata) error {
	v, _ := kitmd.GetMetadataProperty(meta.Properties, "region", "location")
	/* kitmd.GetMetadataProperty(meta.Properties, "blocked") */
	w := meta.Properties[keyArchive]
	return ledger.Open(v, w)
}

const keyArchive = "archivePath"
