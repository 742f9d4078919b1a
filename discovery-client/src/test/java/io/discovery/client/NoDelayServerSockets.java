package io.discovery.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import javax.net.ServerSocketFactory;

/**
 * Server sockets whose accepted connections send at once (TCP_NODELAY), as Go servers such as etcd
 * and Consul do. mockwebserver's do not: its answer goes out in two writes, the second waits for
 * the client's delayed ACK, and every scripted call costs about 40 ms of real time.
 */
public final class NoDelayServerSockets extends ServerSocketFactory {
  public static final NoDelayServerSockets INSTANCE = new NoDelayServerSockets();

  private NoDelayServerSockets() {
  }

  @Override
  public ServerSocket createServerSocket() throws IOException {
    return new NoDelay();
  }

  @Override
  public ServerSocket createServerSocket(int port) throws IOException {
    return new NoDelay(port, 50, null);
  }

  @Override
  public ServerSocket createServerSocket(int port, int backlog) throws IOException {
    return new NoDelay(port, backlog, null);
  }

  @Override
  public ServerSocket createServerSocket(int port, int backlog, InetAddress address) throws IOException {
    return new NoDelay(port, backlog, address);
  }

  private static final class NoDelay extends ServerSocket {
    NoDelay() throws IOException {
    }

    NoDelay(int port, int backlog, InetAddress address) throws IOException {
      super(port, backlog, address);
    }

    @Override
    public Socket accept() throws IOException {
      Socket socket = super.accept();
      socket.setTcpNoDelay(true);
      return socket;
    }
  }
}
