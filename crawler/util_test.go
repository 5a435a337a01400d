package crawler

import "github.com/guazheng/guazheng/crawler/sitetest"

func sitePage(title, text, contact string) []byte { return sitetest.Page(title, text, contact) }
