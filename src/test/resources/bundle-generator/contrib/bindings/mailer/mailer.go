package mailer

func (m *Mailer) Init(meta Metadata) error { return nil }
