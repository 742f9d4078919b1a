package io.discovery.agent.render;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Whole-file replacement that a reader never sees half done: the content goes to a temporary file in
 * the same directory, is flushed to disk, and is renamed over the target ({@code ATOMIC_MOVE}).
 */
final class AtomicFiles {
  private static final Set<PosixFilePermission> DEFAULT_PERMISSIONS = PosixFilePermissions.fromString("rw-r--r--");

  private AtomicFiles() {
  }

  /** The file's content, or null when there is no file. */
  static byte[] read(Path file) throws IOException {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** Replaces {@code file} with {@code content}, keeping its permissions (new files: rw-r--r--). */
  static void write(Path file, byte[] content) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Path temp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        channel.write(java.nio.ByteBuffer.wrap(content));
        channel.force(true);
      }
      setPermissions(temp, file);
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Puts {@code previous} back in {@code file}; null means there was no file, so it is deleted. */
  static void restore(Path file, byte[] previous) throws IOException {
    if (previous == null) {
      Files.deleteIfExists(file);
    } else {
      write(file, previous);
    }
  }

  private static void setPermissions(Path temp, Path target) throws IOException {
    try {
      Set<PosixFilePermission> permissions = Files.exists(target)
          ? Files.getPosixFilePermissions(target) : DEFAULT_PERMISSIONS;
      Files.setPosixFilePermissions(temp, permissions);
    } catch (UnsupportedOperationException notPosix) {
      // the file system's defaults stand
    }
  }
}
