package io.switchboard.engine.embedded;

import io.switchboard.core.engine.EngineException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

/**
 * The RocksDB database in the data directory and its column families: {@code messages} (every
 * channel's log), {@code channels} (each channel's epoch and positions), {@code idempotency}
 * (remembered keys), {@code sessions} and {@code jobs}. The default column family holds the store's format.
 *
 * <p>Opening checks what an operator can get wrong (a file where the directory should be, a
 * directory of other files, a store used by another process, a damaged store) and says so in one
 * line, naming the directory.
 */
final class Store implements AutoCloseable {
  static final String FORMAT = "1";
  /**
   * Held while a process has the store open. RocksDB has a lock of its own, but takes it only
   * after it has rotated its log files, so a second process would disturb the first before being
   * refused; this lock refuses it before anything is touched.
   */
  static final String LOCK_FILE = "switchboard.lock";
  private static final byte[] FORMAT_KEY = "switchboard.format".getBytes(StandardCharsets.US_ASCII);
  private static final long WRITE_BUFFER_BYTES = 16L << 20;
  private static final long MAX_WAL_BYTES = 64L << 20;

  final RocksDB db;
  final ColumnFamilyHandle messages;
  final ColumnFamilyHandle channels;
  final ColumnFamilyHandle idempotency;
  final ColumnFamilyHandle sessions;
  final ColumnFamilyHandle jobs;
  private final Path dir;
  private final DBOptions dbOptions;
  private final ColumnFamilyOptions familyOptions;
  private final List<ColumnFamilyHandle> handles;
  private final FileChannel lockChannel;

  private Store(Path dir, FileChannel lockChannel, RocksDB db, DBOptions dbOptions, ColumnFamilyOptions familyOptions,
      List<ColumnFamilyHandle> handles) {
    this.dir = dir;
    this.lockChannel = lockChannel;
    this.db = db;
    this.dbOptions = dbOptions;
    this.familyOptions = familyOptions;
    this.handles = handles;
    this.messages = handles.get(1);
    this.channels = handles.get(2);
    this.idempotency = handles.get(3);
    this.sessions = handles.get(4);
    this.jobs = handles.get(5);
  }

  /** Opens (creating when missing) the store in {@code dir}. */
  static Store open(Path dir) {
    Path absolute = dir.toAbsolutePath().normalize();
    loadNativeLibrary();
    prepare(absolute);
    FileChannel lockChannel = lock(absolute);
    DBOptions dbOptions = new DBOptions()
        .setCreateIfMissing(true)
        .setCreateMissingColumnFamilies(true)
        .setMaxTotalWalSize(MAX_WAL_BYTES)
        .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
        .setKeepLogFileNum(2)
        .setMaxLogFileSize(1L << 20);
    ColumnFamilyOptions familyOptions = new ColumnFamilyOptions()
        .setWriteBufferSize(WRITE_BUFFER_BYTES)
        .setCompressionType(CompressionType.LZ4_COMPRESSION);
    List<ColumnFamilyDescriptor> families = new ArrayList<>();
    families.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, familyOptions));
    for (String name : List.of("messages", "channels", "idempotency", "sessions", "jobs")) {
      families.add(new ColumnFamilyDescriptor(name.getBytes(StandardCharsets.US_ASCII), familyOptions));
    }
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    RocksDB db;
    try {
      db = RocksDB.open(dbOptions, absolute.toString(), families, handles);
    } catch (RocksDBException failed) {
      familyOptions.close();
      dbOptions.close();
      closeQuietly(lockChannel);
      throw cannotOpen(absolute, failed);
    }
    Store store = new Store(absolute, lockChannel, db, dbOptions, familyOptions, handles);
    try {
      store.checkFormat();
    } catch (RuntimeException wrongFormat) {
      store.close();
      throw wrongFormat;
    }
    return store;
  }

  Path dir() {
    return dir;
  }

  /** Sizes of the store's files, for tests and the operator: SST files and write-ahead logs. */
  long diskBytes() {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(file -> {
        try {
          return Files.size(file);
        } catch (IOException gone) {
          return 0;
        }
      }).sum();
    } catch (IOException unreadable) {
      throw new EngineException("cannot list data-dir " + dir + ": " + unreadable.getMessage(), unreadable);
    }
  }

  /**
   * Writes every column family's memtable to disk, so that write-ahead logs holding only what is
   * now in files (or deleted) are removed.
   */
  void flushAll() throws RocksDBException {
    try (FlushOptions wait = new FlushOptions().setWaitForFlush(true)) {
      db.flush(wait, handles);
    }
  }

  @Override
  public void close() {
    for (ColumnFamilyHandle handle : handles) {
      handle.close();
    }
    db.close();
    familyOptions.close();
    dbOptions.close();
    closeQuietly(lockChannel);
  }

  /**
   * Loads RocksDB's native code, which rocksdbjni unpacks into {@code java.io.tmpdir} first: a
   * temporary directory mounted {@code noexec}, or a platform without a bundled build, must be a
   * clear start-up error rather than a stack trace.
   */
  private static void loadNativeLibrary() {
    try {
      RocksDB.loadLibrary();
    } catch (UnsatisfiedLinkError | RuntimeException unavailable) {
      throw new EngineException("cannot load RocksDB's native library for the embedded engine on " + System.getProperty("os.name")
          + "/" + System.getProperty("os.arch") + " (" + unavailable.getMessage() + "); if java.io.tmpdir ("
          + System.getProperty("java.io.tmpdir") + ") does not allow executables, point it elsewhere with"
          + " SWITCHBOARD_JAVA_OPTS=-Djava.io.tmpdir=DIR, or run --engine memory");
    }
  }

  /** Takes the store's lock, or says which process is in the way. */
  private static FileChannel lock(Path dir) {
    FileChannel channel;
    try {
      channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException failed) {
      throw new EngineException("cannot write in data-dir " + dir + ": " + describe(failed));
    }
    try {
      FileLock lock = channel.tryLock();
      if (lock != null) {
        return channel;
      }
    } catch (OverlappingFileLockException heldHere) {
      // This process has the store open already.
    } catch (IOException failed) {
      closeQuietly(channel);
      throw new EngineException("cannot lock data-dir " + dir + ": " + describe(failed));
    }
    closeQuietly(channel);
    throw new EngineException("data-dir " + dir + " is in use by another Switchboard process (it holds " + LOCK_FILE + ")");
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // Closing releases the lock; there is nothing else to undo.
    }
  }

  private void checkFormat() {
    try {
      byte[] format = db.get(FORMAT_KEY);
      if (format == null) {
        db.put(FORMAT_KEY, FORMAT.getBytes(StandardCharsets.US_ASCII));
      } else if (!FORMAT.equals(new String(format, StandardCharsets.US_ASCII))) {
        throw new EngineException("data-dir " + dir + " holds a store of format " + new String(format, StandardCharsets.US_ASCII)
            + ", which this version of Switchboard (format " + FORMAT + ") cannot read");
      }
    } catch (RocksDBException failed) {
      throw cannotOpen(dir, failed);
    }
  }

  /** Creates the directory, refusing a path that is a file or a directory of someone else's files. */
  private static void prepare(Path dir) {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new EngineException("data-dir " + dir + " is a file, not a directory");
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException failed) {
      throw new EngineException("cannot create data-dir " + dir + ": " + describe(failed));
    }
    if (!Files.isWritable(dir)) {
      throw new EngineException("data-dir " + dir + " is not writable by this process");
    }
    try (Stream<Path> entries = Files.list(dir)) {
      boolean holdsFiles = entries.anyMatch(entry -> !entry.getFileName().toString().equals(LOCK_FILE));
      if (holdsFiles && !Files.exists(dir.resolve("CURRENT"))) {
        throw new EngineException("data-dir " + dir + " holds files that are not a Switchboard store;"
            + " choose an empty or new directory");
      }
    } catch (IOException failed) {
      throw new EngineException("cannot read data-dir " + dir + ": " + describe(failed));
    }
  }

  private static EngineException cannotOpen(Path dir, RocksDBException failed) {
    Status status = failed.getStatus();
    Status.Code code = status == null ? Status.Code.Undefined : status.getCode();
    String detail = status != null && status.getState() != null ? status.getState() : failed.getMessage();
    String message = switch (code) {
      case Corruption -> "the store in data-dir " + dir + " is damaged (" + detail
          + "); restore it from a backup or move it aside to start empty";
      case IOError -> detail.contains("lock")
          ? "data-dir " + dir + " is in use by another Switchboard process (" + detail + ")"
          : "cannot read or write data-dir " + dir + ": " + detail;
      default -> "cannot open the store in data-dir " + dir + ": " + detail;
    };
    return new EngineException(message, failed);
  }

  private static String describe(IOException failed) {
    if (failed instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (failed instanceof FileSystemException fileSystem && fileSystem.getReason() != null) {
      return fileSystem.getReason().toLowerCase(Locale.ROOT);
    }
    return String.valueOf(failed.getMessage());
  }
}
