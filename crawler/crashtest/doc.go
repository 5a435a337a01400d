// Package crashtest holds the crawler's crash tests: a crawl into the SQLite
// frontier killed with SIGKILL and restarted must lose no URL and deliver no
// post twice. It lives apart from package crawler so that the crawler itself
// links no SQL driver.
package crashtest
