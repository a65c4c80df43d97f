using System.Collections.Concurrent;
using Station.Line.Fixtures;
using Station.Transport.Links;

namespace Station.Cli.Bench;

/// <summary>
/// The board swaps of a bench line process, relayed through its parent: the parent owns the simulator (and its
/// <c>--control</c> stdin), so after each unit this process writes <c>swap &lt;url&gt;</c> on stdout and waits for
/// <c>swapped &lt;url&gt;</c> on stdin. Station and esptool-js thereby flash the very same simulated boards.
/// </summary>
public sealed class SwapRelay
{
    private readonly TextWriter _requests;
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiting = new();
    private readonly Lock _gate = new();

    public SwapRelay(TextReader answers, TextWriter requests)
    {
        _requests = requests;
        _ = Task.Run(() => ReadAnswersAsync(answers));
    }

    public async Task SwapAsync(string url, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[url] = done;
        lock (_gate)
        {
            _requests.WriteLine($"swap {url}");
            _requests.Flush();
        }

        await done.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
    }

    private async Task ReadAnswersAsync(TextReader answers)
    {
        while (await answers.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            if (line.StartsWith("swapped ", StringComparison.Ordinal) && _waiting.TryRemove(line["swapped ".Length..].Trim(), out var done))
            {
                done.TrySetResult();
            }
        }

        foreach (var waiter in _waiting.Values)
        {
            waiter.TrySetException(new IOException("The bench parent closed the swap channel."));
        }
    }
}

/// <summary>A simulated slot of a bench line process: opened over TCP, a new board swapped in by the parent after each unit.</summary>
public sealed class RelayedSlot(string url, LinkFactory links, SwapRelay relay) : ISlotFixture
{
    public string Port => url;

    public bool ReplacesBoards => true;

    public Task<IByteLink> OpenAsync(int baud, CancellationToken cancellationToken) => links.OpenAsync(url, baud, cancellationToken);

    public Task NextBoardAsync(CancellationToken cancellationToken) => relay.SwapAsync(url, cancellationToken);
}
