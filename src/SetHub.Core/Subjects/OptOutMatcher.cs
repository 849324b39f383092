namespace SetHub.Core.Subjects;

/// <summary>
/// Decides whether a subject names a principal that opted out (RISC 1.0 §2.8, SSF 1.0 §9.1), and which opt-outs an
/// opt-in lifts. This is deliberately not stream matching (<see cref="SubjectMatcher"/>, SSF 1.0 §8.1.3.1): there a
/// member missing on either side is a wildcard, which is right for a subscription (a stream that added
/// <c>{tenant: acme}</c> wants every event of acme) and wrong for a suppression (alice opting out as
/// <c>{user: alice, tenant: acme}</c> would silence every event about acme).
/// </summary>
/// <remarks>
/// An event subject E names an opted-out subject O when:
/// <list type="bullet">
/// <item>O is simple (any format but <c>complex</c>): one of E's simple identifiers is O, compared in canonical form
/// (e-mail case-insensitively, R14). E may be O itself, an <c>aliases</c> identifier containing O (RFC 9493 §3.2.8:
/// all aliases name one subject), or a complex subject with a member that is O or an aliases containing O (SSF 1.0
/// §3.3: every member describes the same principal, so an event about alice's session is about alice). An
/// <c>aliases</c> O is named when any of its identifiers is.</item>
/// <item>O is complex: E is complex too, and every member of O is in E under the same name with an equal value
/// (values compared as simple subjects, above, so an aliases member stands for each of its identifiers). E may have
/// more members: alice's session in acme is still alice-in-acme. A simple E never names a complex O: an event about
/// alice is not necessarily about alice-in-acme.</item>
/// </list>
/// Whenever E names O they share a simple identifier, so the opt-out index (<see cref="SubjectKeys.IndexKeys"/>)
/// finds every candidate.
/// </remarks>
public static class OptOutMatcher
{
    /// <summary>Whether <paramref name="eventSubject"/> names the principal <paramref name="optedOut"/> describes.</summary>
    public static bool Names(SubjectIdentifier eventSubject, SubjectIdentifier optedOut)
    {
        ArgumentNullException.ThrowIfNull(eventSubject);
        ArgumentNullException.ThrowIfNull(optedOut);

        if (!optedOut.IsComplex)
        {
            return optedOut.SharesAnIdentifierWith(eventSubject);
        }

        if (!eventSubject.IsComplex)
        {
            return false;
        }

        foreach (var member in optedOut.Members)
        {
            if (eventSubject.Member(member.Name) is not { } value || !member.Value.SharesAnIdentifierWith(value))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Whether an opt-in about <paramref name="optIn"/> ends the opt-out of <paramref name="optedOut"/>: when either
    /// names the other (RISC 1.0 §2.8.1). Symmetric on purpose: an opt-in must reach the opt-out it answers however
    /// the transmitter describes the subject the second time — a plain e-mail for an opt-out recorded as
    /// <c>{user, tenant}</c>, aliases for one recorded as a plain e-mail. An opt-out no opt-in can reach silences
    /// the subject for good, while one lifted too broadly is undone by the next <c>opt-out-effective</c>. The price:
    /// an opt-in about <c>{tenant: acme}</c> also ends the opt-out of <c>{user: alice, tenant: acme}</c>, which names it.
    /// </summary>
    public static bool Lifts(SubjectIdentifier optIn, SubjectIdentifier optedOut) =>
        Names(optIn, optedOut) || Names(optedOut, optIn);
}
