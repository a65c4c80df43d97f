using System.Runtime.InteropServices;

namespace Station.Transport.Serial.Posix;

/// <summary>
/// An owned file descriptor. Every syscall takes it through the marshaller's AddRef/Release, so a
/// close racing with a read cannot let the number be reused by another open underneath the read.
/// </summary>
internal sealed class FileDescriptor : SafeHandle
{
    public FileDescriptor(int number)
        : base(-1, ownsHandle: true)
    {
        SetHandle(number);
    }

    public override bool IsInvalid => handle < 0;

    /// <summary>The raw number, for epoll registration only (which does not keep it alive).</summary>
    public int Number => (int)handle;

    protected override bool ReleaseHandle() => Libc.Close((int)handle) == 0;
}
