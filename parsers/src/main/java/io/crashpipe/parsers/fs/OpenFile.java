package io.crashpipe.parsers.fs;

/**
 * One open file descriptor of a task, as crash's {@code files} lists it.
 *
 * @param type crash's name for the inode's S_IFMT bits: REG DIR CHR BLK FIFO SOCK LNK, else UNKN
 * @param path rebuilt from the dentry chain up through the mounts; empty for pseudo filesystems
 *     whose names are made on demand (pipes, sockets)
 */
public record OpenFile(int fd, long file, long dentry, long inode, String type, String path) {}
