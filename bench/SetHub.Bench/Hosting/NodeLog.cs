using System.Text.RegularExpressions;

namespace SetHub.Bench.Hosting;

/// <summary>
/// The console output of one hub node, digested: warnings and errors counted by message (the .NET console logger
/// writes "warn: Category[id]" and the message on the next line), silo deaths found, the last lines kept for a
/// failure message, and everything written to a file in the run's work folder.
/// </summary>
public sealed partial class NodeLog(string path) : IDisposable
{
    private const int TailLines = 60;
    private const int MaxDistinct = 40;

    private readonly StreamWriter _file = new(path) { AutoFlush = true };
    private readonly Queue<string> _tail = new();
    private readonly Dictionary<string, int> _messages = new(StringComparer.Ordinal);
    private readonly List<string> _deaths = [];
    private readonly Lock _gate = new();
    private string? _pendingLevel;
    private string? _pendingCategory;
    private int _warnings;
    private int _errors;

    public int Warnings
    {
        get
        {
            lock (_gate)
            {
                return _warnings;
            }
        }
    }

    /// <summary>"fail" and "crit" lines.</summary>
    public int Errors
    {
        get
        {
            lock (_gate)
            {
                return _errors;
            }
        }
    }

    /// <summary>Lines of Orleans membership voting to evict a silo, evicting it, or a silo told it is dead, verbatim.</summary>
    public IReadOnlyList<string> Deaths
    {
        get
        {
            lock (_gate)
            {
                return [.. _deaths];
            }
        }
    }

    /// <summary>"level category: message" with how often it appeared.</summary>
    public IReadOnlyDictionary<string, int> Messages
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, int>(_messages, StringComparer.Ordinal);
            }
        }
    }

    public string Tail
    {
        get
        {
            lock (_gate)
            {
                return string.Join('\n', _tail);
            }
        }
    }

    public void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _file.WriteLine(line);
            _tail.Enqueue(line);
            if (_tail.Count > TailLines)
            {
                _tail.Dequeue();
            }

            if (SiloDeath().IsMatch(line))
            {
                _deaths.Add(line.Trim());
            }

            var header = Header().Match(line);
            if (header.Success)
            {
                _pendingLevel = header.Groups["level"].Value;
                _pendingCategory = header.Groups["category"].Value;
                if (_pendingLevel == "warn")
                {
                    _warnings++;
                }
                else
                {
                    _errors++;
                }

                return;
            }

            if (_pendingLevel is not null)
            {
                Count($"{_pendingLevel} {_pendingCategory}: {Shorten(line.Trim())}");
                _pendingLevel = null;
            }
        }
    }

    public void Dispose() => _file.Dispose();

    private void Count(string message)
    {
        if (_messages.TryGetValue(message, out var count))
        {
            _messages[message] = count + 1;
        }
        else if (_messages.Count < MaxDistinct)
        {
            _messages[message] = 1;
        }
    }

    // Ids and numbers vary from line to line; the first 160 characters name the problem.
    private static string Shorten(string message) => message.Length <= 160 ? message : message[..160] + "…";

    [GeneratedRegex(@"^(?<level>warn|fail|crit): (?<category>[^\[]+)\[")]
    private static partial Regex Header();

    // Orleans 10 (MembershipTableManager): "Voting to evict '…'" and "Evicting '…'" (Information), "I should be Dead
    // according to the membership table" (Warning) and "I have been told I am dead, so this silo will stop!" (Error).
    [GeneratedRegex(@"Voting to evict|Evicting '|I should be Dead|told I am dead", RegexOptions.IgnoreCase)]
    private static partial Regex SiloDeath();
}
