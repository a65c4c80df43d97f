using System.Runtime.InteropServices;

namespace Station.Transport.Serial.Posix;

/// <summary>
/// The libc calls and Linux constants the serial layer needs. Values are the asm-generic ones, which
/// both x86_64 and aarch64 use for termios, ioctls, open flags and errno (checked against the kernel
/// headers with gcc on x86_64; arm64 has no arch override of termbits.h/ioctls.h). The one layout that
/// differs between the two, <c>struct epoll_event</c>, is handled in <see cref="PosixReactor"/>.
/// </summary>
/// <remarks>
/// <c>ioctl</c> is variadic in C; declaring it with a fixed third argument is sound on the x86_64 SysV
/// and Linux AAPCS64 ABIs, where variadic integer and pointer arguments travel exactly like fixed ones.
/// </remarks>
internal static unsafe partial class Libc
{
    private const string Library = "libc";

    // open(2)
    public const int O_RDWR = 0x2;
    public const int O_NOCTTY = 0x100;
    public const int O_NONBLOCK = 0x800;
    public const int O_CLOEXEC = 0x80000;

    // errno
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int EINTR = 4;
    public const int EIO = 5;
    public const int ENXIO = 6;
    public const int EAGAIN = 11;
    public const int EACCES = 13;
    public const int EBUSY = 16;
    public const int ENODEV = 19;
    public const int ENOTDIR = 20;
    public const int EISDIR = 21;
    public const int EINVAL = 22;
    public const int ENOTTY = 25;

    // ioctl requests (asm-generic/ioctls.h); TCGETS2/TCSETS2 encode sizeof(struct termios2) = 44.
    public const uint TCGETS2 = 0x802C542A;
    public const uint TCSETS2 = 0x402C542B;
    public const uint TCFLSH = 0x540B;
    public const uint TIOCEXCL = 0x540C;
    public const uint TIOCNXCL = 0x540D;
    public const uint TIOCMGET = 0x5415;
    public const uint TIOCMBIS = 0x5416;
    public const uint TIOCMBIC = 0x5417;
    public const uint TIOCMSET = 0x5418;

    public const int TCIFLUSH = 0;
    public const int TIOCM_DTR = 0x002;
    public const int TIOCM_RTS = 0x004;

    // flock(2)
    public const int LOCK_EX = 2;
    public const int LOCK_NB = 4;

    // epoll / eventfd
    public const int EPOLL_CLOEXEC = 0x80000;
    public const int EPOLL_CTL_ADD = 1;
    public const int EPOLL_CTL_DEL = 2;
    public const uint EPOLLIN = 0x001;
    public const uint EPOLLOUT = 0x004;
    public const uint EPOLLERR = 0x008;
    public const uint EPOLLHUP = 0x010;
    public const uint EPOLLRDHUP = 0x2000;
    public const uint EPOLLET = 0x80000000;
    public const int EFD_NONBLOCK = 0x800;
    public const int EFD_CLOEXEC = 0x80000;

    /// <summary>open(2); an invalid descriptor on failure, with errno in <see cref="Errno"/>.</summary>
    public static FileDescriptor Open(string path, int flags) => new(OpenNumber(path, flags));

    /// <summary>posix_openpt(3); an invalid descriptor on failure, with errno in <see cref="Errno"/>.</summary>
    public static FileDescriptor PosixOpenpt(int flags) => new(PosixOpenptNumber(flags));

    // These return a C int: a SafeHandle return would be marshalled as a 64-bit value and -1 would not read as invalid.
    [LibraryImport(Library, EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int OpenNumber(string path, int flags);

    [LibraryImport(Library, EntryPoint = "posix_openpt", SetLastError = true)]
    private static partial int PosixOpenptNumber(int flags);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Library, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(FileDescriptor fd, byte* buffer, nuint count);

    [LibraryImport(Library, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nuint count);

    [LibraryImport(Library, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(FileDescriptor fd, byte* buffer, nuint count);

    [LibraryImport(Library, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nuint count);

    [LibraryImport(Library, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(FileDescriptor fd, nuint request, void* argument);

    [LibraryImport(Library, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(FileDescriptor fd, nuint request, nint argument);

    [LibraryImport(Library, EntryPoint = "flock", SetLastError = true)]
    public static partial int Flock(FileDescriptor fd, int operation);

    [LibraryImport(Library, EntryPoint = "grantpt", SetLastError = true)]
    public static partial int Grantpt(FileDescriptor fd);

    [LibraryImport(Library, EntryPoint = "unlockpt", SetLastError = true)]
    public static partial int Unlockpt(FileDescriptor fd);

    /// <summary>Returns 0 or an errno value (it does not set errno).</summary>
    [LibraryImport(Library, EntryPoint = "ptsname_r")]
    public static partial int PtsnameR(FileDescriptor fd, byte* buffer, nuint length);

    /// <summary>Returns a malloc'd string (free it with <see cref="Free"/>) or null.</summary>
    [LibraryImport(Library, EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial nint Realpath(string path, nint resolved);

    [LibraryImport(Library, EntryPoint = "free")]
    public static partial void Free(nint pointer);

    [LibraryImport(Library, EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int EpollCreate1(int flags);

    [LibraryImport(Library, EntryPoint = "epoll_ctl", SetLastError = true)]
    public static partial int EpollCtl(int epfd, int op, int fd, void* ev);

    [LibraryImport(Library, EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int EpollWait(int epfd, void* events, int maxEvents, int timeout);

    [LibraryImport(Library, EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initialValue, int flags);

    /// <summary>errno of the last call made with SetLastError.</summary>
    public static int Errno => Marshal.GetLastPInvokeError();

    /// <summary>The C library's text for an errno value ("Input/output error").</summary>
    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    /// <summary>realpath(3) of <paramref name="path"/>, or null when it cannot be resolved.</summary>
    public static string? ResolvePath(string path)
    {
        nint resolved = Realpath(path, 0);
        if (resolved == 0)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            Free(resolved);
        }
    }
}
