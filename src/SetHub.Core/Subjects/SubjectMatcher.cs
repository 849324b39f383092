namespace SetHub.Core.Subjects;

/// <summary>
/// Decides whether an event's subject is one a stream asked for (SSF 1.0 §8.1.3.1, R112).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Simple subjects match only when identical (canonical forms equal). An <c>aliases</c> identifier stands for
/// each of its identifiers, so it matches when any of them does (RFC 9493 §3.2.8: all name the same subject).</item>
/// <item>Complex subjects match when every member present on both sides is identical; a member missing on either
/// side is a wildcard. SetHub also requires at least one shared member, so <c>{tenant: A}</c> never matches
/// <c>{user: B}</c> by wildcards alone.</item>
/// <item>A simple subject against a complex one (the spec is silent) matches when the simple subject is identical
/// to one of the complex subject's members: a stream that added <c>alice@example.com</c> gets events about
/// <c>{user: alice@example.com, session: …}</c>.</item>
/// </list>
/// Two subjects that match always share one of their <see cref="SubjectIdentifier.SimpleIdentifiers"/>.
/// </remarks>
public static class SubjectMatcher
{
    /// <summary>Whether <paramref name="eventSubject"/> falls under <paramref name="streamSubject"/>.</summary>
    public static bool Matches(SubjectIdentifier streamSubject, SubjectIdentifier eventSubject)
    {
        ArgumentNullException.ThrowIfNull(streamSubject);
        ArgumentNullException.ThrowIfNull(eventSubject);

        return (streamSubject.IsComplex, eventSubject.IsComplex) switch
        {
            (false, false) => SimpleMatches(streamSubject, eventSubject),
            (true, true) => ComplexMatches(streamSubject, eventSubject),
            (true, false) => AnyMemberMatches(streamSubject, eventSubject),
            (false, true) => AnyMemberMatches(eventSubject, streamSubject),
        };
    }

    private static bool SimpleMatches(SubjectIdentifier left, SubjectIdentifier right) =>
        left.Aliases.Count == 0 && right.Aliases.Count == 0 ? left.Equals(right) : left.SharesAnIdentifierWith(right);

    private static bool ComplexMatches(SubjectIdentifier streamSubject, SubjectIdentifier eventSubject)
    {
        var shared = 0;
        foreach (var member in streamSubject.Members)
        {
            var other = eventSubject.Member(member.Name);
            if (other is null)
            {
                continue; // missing on one side: a wildcard
            }

            if (!SimpleMatches(member.Value, other))
            {
                return false;
            }

            shared++;
        }

        return shared > 0;
    }

    private static bool AnyMemberMatches(SubjectIdentifier complex, SubjectIdentifier simple)
    {
        foreach (var member in complex.Members)
        {
            if (SimpleMatches(member.Value, simple))
            {
                return true;
            }
        }

        return false;
    }
}
