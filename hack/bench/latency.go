package main

import (
	"io"
	"net"
	"sync"
	"time"
)

// delayProxy forwards TCP connections to target, holding every chunk of bytes for oneWay in each
// direction, so that a client pointed at it sees a round-trip time of 2*oneWay. netem is not available on
// these machines; the bytes pass unchanged, so TLS goes through and the serving certificate (127.0.0.1)
// still matches.
type delayProxy struct {
	ln     net.Listener
	target string
	oneWay time.Duration
	wg     sync.WaitGroup
}

func startDelayProxy(target string, oneWay time.Duration) (*delayProxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &delayProxy{ln: ln, target: target, oneWay: oneWay}
	p.wg.Add(1)
	go p.serve()
	return p, nil
}

func (p *delayProxy) Addr() string { return p.ln.Addr().String() }

func (p *delayProxy) Close() error {
	err := p.ln.Close()
	p.wg.Wait()
	return err
}

func (p *delayProxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		go p.handle(c)
	}
}

func (p *delayProxy) handle(client net.Conn) {
	// The connection itself costs a round trip too, as a TCP handshake would.
	time.Sleep(2 * p.oneWay)
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		client.Close()
		return
	}
	go p.pipe(server, client)
	p.pipe(client, server)
}

// pipe copies src to dst, each chunk delivered oneWay after it was read, in order.
func (p *delayProxy) pipe(dst, src net.Conn) {
	type chunk struct {
		at   time.Time
		data []byte
	}
	queue := make(chan chunk, 1024)
	go func() {
		defer dst.Close()
		for c := range queue {
			time.Sleep(time.Until(c.at))
			if _, err := dst.Write(c.data); err != nil {
				return
			}
		}
	}()
	buf := make([]byte, 64<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			queue <- chunk{at: time.Now().Add(p.oneWay), data: append([]byte(nil), buf[:n]...)}
		}
		if err != nil {
			if err != io.EOF {
				src.Close()
			}
			close(queue)
			return
		}
	}
}
