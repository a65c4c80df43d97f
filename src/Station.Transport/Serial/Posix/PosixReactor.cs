using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Station.Transport.Links;

namespace Station.Transport.Serial.Posix;

/// <summary>Something the reactor tells about readiness events on its descriptor.</summary>
internal interface IPollTarget
{
    /// <summary>Runs on the reactor thread: must only flag state and signal waiters.</summary>
    void OnEvents(uint events);
}

/// <summary>
/// The one thread that waits for every open tty of the process: a single epoll set, descriptors added
/// once edge-triggered for in, out and hang-up, so a wait costs no syscall beyond the read/write that
/// hit EAGAIN. The thread starts with the first registration and ends when the last one goes (an
/// eventfd wakes it to notice), so a process with no ports open holds no thread.
/// </summary>
internal sealed unsafe class PosixReactor
{
    private const int MaxEvents = 64;
    private const ulong WakeKey = ulong.MaxValue;

    private readonly Lock _gate = new();
    private readonly List<IPollTarget?> _targets = [];
    private readonly List<uint> _generations = [];
    private readonly Stack<int> _free = new();
    private int _epoll = -1;
    private int _wake = -1;
    private int _count;
    private bool _running;

    private PosixReactor()
    {
    }

    public static PosixReactor Shared { get; } = new();

    /// <summary>x86_64 packs <c>struct epoll_event</c> to 12 bytes; aarch64 aligns its 64-bit data to 8 (16 bytes).</summary>
    private static int EventSize => RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    private static int DataOffset => RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    /// <summary>Adds <paramref name="fd"/>; returns the key to pass to <see cref="Unregister"/>.</summary>
    public ulong Register(FileDescriptor fd, IPollTarget target, string port)
    {
        lock (_gate)
        {
            EnsureCreated(port);
            int index;
            if (_free.Count > 0)
            {
                index = _free.Pop();
            }
            else
            {
                index = _targets.Count;
                _targets.Add(null);
                _generations.Add(0);
            }

            uint generation = ++_generations[index];
            ulong key = ((ulong)generation << 32) | (uint)index;
            if (!Control(_epoll, Libc.EPOLL_CTL_ADD, fd.Number, Libc.EPOLLIN | Libc.EPOLLOUT | Libc.EPOLLRDHUP | Libc.EPOLLET, key))
            {
                int errno = Libc.Errno;
                _free.Push(index);
                throw new LinkException(LinkFailure.Io, port, $"Could not watch {port} for data: {Libc.Describe(errno)}.") { Errno = errno };
            }

            _targets[index] = target;
            _count++;
            if (!_running)
            {
                _running = true;
                new Thread(Run) { IsBackground = true, Name = "serial reactor" }.Start();
            }

            return key;
        }
    }

    /// <summary>Removes the descriptor; call before closing it. Events already fetched for it are dropped.</summary>
    public void Unregister(FileDescriptor fd, ulong key)
    {
        lock (_gate)
        {
            int index = (int)(uint)key;
            if (_generations[index] != (uint)(key >> 32) || _targets[index] is null)
            {
                return;
            }

            // Fails harmlessly if the descriptor is already closed (closing removes it from the set).
            Control(_epoll, Libc.EPOLL_CTL_DEL, fd.Number, 0, 0);
            _targets[index] = null;
            _free.Push(index);
            if (--_count == 0)
            {
                ulong one = 1;
                Libc.Write(_wake, (byte*)&one, sizeof(ulong));
            }
        }
    }

    private static bool Control(int epoll, int op, int fd, uint events, ulong key)
    {
        byte* ev = stackalloc byte[16];
        Unsafe.WriteUnaligned(ev, events);
        Unsafe.WriteUnaligned(ev + DataOffset, key);
        return Libc.EpollCtl(epoll, op, fd, ev) == 0;
    }

    private void EnsureCreated(string port)
    {
        if (_epoll >= 0)
        {
            return;
        }

        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture is not (Architecture.X64 or Architecture.Arm64))
        {
            throw new PlatformNotSupportedException("The POSIX serial layer supports Linux on x86_64 and arm64.");
        }

        int epoll = Libc.EpollCreate1(Libc.EPOLL_CLOEXEC);
        if (epoll < 0)
        {
            int errno = Libc.Errno;
            throw new LinkException(LinkFailure.Io, port, $"Could not create the serial event set: {Libc.Describe(errno)}.") { Errno = errno };
        }

        int wake = Libc.EventFd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        if (wake < 0 || !Control(epoll, Libc.EPOLL_CTL_ADD, wake, Libc.EPOLLIN, WakeKey))
        {
            int errno = Libc.Errno;
            Libc.Close(epoll);
            if (wake >= 0)
            {
                Libc.Close(wake);
            }

            throw new LinkException(LinkFailure.Io, port, $"Could not create the serial wake-up event: {Libc.Describe(errno)}.") { Errno = errno };
        }

        _epoll = epoll;
        _wake = wake;
    }

    private void Run()
    {
        int size = EventSize;
        int dataOffset = DataOffset;
        byte* events = (byte*)NativeMemory.Alloc((nuint)(MaxEvents * size));
        var batch = new (IPollTarget? Target, uint Events)[MaxEvents];
        try
        {
            while (true)
            {
                int n = Libc.EpollWait(_epoll, events, MaxEvents, -1);
                if (n < 0)
                {
                    int errno = Libc.Errno;
                    if (errno == Libc.EINTR)
                    {
                        continue;
                    }

                    Environment.FailFast($"epoll_wait failed on the serial reactor: {Libc.Describe(errno)}.");
                }

                lock (_gate)
                {
                    bool woken = false;
                    for (int i = 0; i < n; i++)
                    {
                        byte* ev = events + (i * size);
                        ulong key = Unsafe.ReadUnaligned<ulong>(ev + dataOffset);
                        batch[i] = default;
                        if (key == WakeKey)
                        {
                            woken = true;
                            continue;
                        }

                        int index = (int)(uint)key;
                        if (_generations[index] == (uint)(key >> 32))
                        {
                            batch[i] = (_targets[index], Unsafe.ReadUnaligned<uint>(ev));
                        }
                    }

                    if (woken)
                    {
                        ulong drained;
                        Libc.Read(_wake, (byte*)&drained, sizeof(ulong));
                        if (_count == 0)
                        {
                            _running = false;
                            return;
                        }
                    }
                }

                // Outside the gate: targets take their own locks and never call back into the reactor here.
                for (int i = 0; i < n; i++)
                {
                    batch[i].Target?.OnEvents(batch[i].Events);
                    batch[i] = default;
                }
            }
        }
        finally
        {
            NativeMemory.Free(events);
        }
    }
}
