package demosite_test

import (
	"context"
	"fmt"
	"log"

	"github.com/guazheng/guazheng/cmd/guazheng/demosite"
)

func Example() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d, err := demosite.Start(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer d.Close()
	for _, s := range d.Sites() {
		fmt.Println(s.Name, s.Title, s.Charset, len(s.StartURLs), "start URLs")
	}
	tr := d.Truth()
	fmt.Println(len(tr.Posts), "posts,", len(tr.Ads), "ads,", len(tr.Networks), "broker networks")
	// crawl phase 1 here, then:
	d.Advance()
	fmt.Println("phase", d.Phase(), ":", len(tr.Vanished), "vanished,", len(tr.Changed), "changed,", len(tr.New), "new")
	// Output:
	// zhucai 筑才招聘网 utf-8 1 start URLs
	// jzsforum 建造师论坛 gbk 4 start URLs
	// gcyc 工程英才网 utf-8 1 start URLs
	// 319 posts, 75 ads, 4 broker networks
	// phase 2 : 11 vanished, 7 changed, 10 new
}
