package azure

var MetadataKeys = map[string][]string{ //nolint:gochecknoglobals
	// Client ID for the Service Principal
	"ClientID": {"azureClientId", "spnClientId", "clientId"},
	"StorageAccountName": {"accountName", "storageAccount", "storageAccountName"},
}
