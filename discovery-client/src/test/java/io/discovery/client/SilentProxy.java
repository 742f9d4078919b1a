package io.discovery.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP proxy on loopback for tests of connections that die silently: {@link #silenceExisting()}
 * makes every connection open now stop forwarding in both directions without closing it (no FIN, no
 * RST), as a crashed host or a NAT that dropped its mapping does; connections opened later work.
 */
public final class SilentProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int targetPort;
  private final List<Link> links = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  private record Link(Socket client, Socket upstream, AtomicBoolean silent) {
  }

  public SilentProxy(int targetPort) {
    this.targetPort = targetPort;
    try {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    acceptor = new Thread(this::accept, "silent-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Every connection open now goes silent for good; new ones forward normally. */
  public void silenceExisting() {
    links.forEach(link -> link.silent().set(true));
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        Link link = new Link(client, upstream, new AtomicBoolean());
        links.add(link);
        pump(link, client.getInputStream(), upstream.getOutputStream());
        pump(link, upstream.getInputStream(), client.getOutputStream());
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private static void pump(Link link, InputStream in, OutputStream out) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[8192];
      try {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          if (link.silent().get()) {
            continue; // swallowed: the peer never hears of it, and nothing is closed
          }
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // the link is gone
      }
    }, "silent-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Link link : links) {
      link.client().close();
      link.upstream().close();
    }
  }
}
