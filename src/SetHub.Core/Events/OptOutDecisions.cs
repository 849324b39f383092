using SetHub.Core.Subjects;

namespace SetHub.Core.Events;

/// <summary>
/// RISC 1.0 §2.8 opt-out decisions over candidate opt-outs: those filed under any simple identifier of the subject in
/// question, which are all an event can name or an opt-in can lift (both relations imply a shared identifier).
/// </summary>
public static class OptOutDecisions
{
    /// <summary>Whether <paramref name="subject"/> names a principal that opted out (<see cref="OptOutMatcher.Names"/>).</summary>
    public static bool IsOptedOut(SubjectIdentifier subject, IEnumerable<(string SubjectKey, string SubjectJson)> candidates)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(candidates);
        foreach (var (_, json) in candidates)
        {
            if (SubjectParser.Parse(json) is { IsSuccess: true } optedOut && OptOutMatcher.Names(subject, optedOut.Value))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The opt-outs an opt-in about <paramref name="subject"/> ends (<see cref="OptOutMatcher.Lifts"/>), each
    /// once, with the parsed subject (whose own identifiers say where it is filed).</summary>
    public static IReadOnlyList<(string SubjectKey, SubjectIdentifier Subject)> Lifted(
        SubjectIdentifier subject, IEnumerable<(string SubjectKey, string SubjectJson)> candidates)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(candidates);
        var lifted = new Dictionary<string, SubjectIdentifier>(StringComparer.Ordinal);
        foreach (var (key, json) in candidates)
        {
            if (!lifted.ContainsKey(key) && SubjectParser.Parse(json) is { IsSuccess: true } optedOut && OptOutMatcher.Lifts(subject, optedOut.Value))
            {
                lifted[key] = optedOut.Value;
            }
        }

        return [.. lifted.Select(pair => (pair.Key, pair.Value))];
    }
}
