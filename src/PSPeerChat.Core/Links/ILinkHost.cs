using System;
using PSPeerChat.Identity;
using PSPeerChat.Protocol;
using PSPeerChat.Protocol.Noise;
using PSPeerChat.Stats;

namespace PSPeerChat.Links
{
    /// <summary>
    /// Everything a link may ask of its node: the node's identity and settings, registration when its handshake is done,
    /// the frames and lines that are the node's business, and word that it closed. Called from the link's reader (frames,
    /// lines, registration), from whichever thread closes the link (OnClosed) or from the dialling thread (the dialler's first handshake message),
    /// so an implementation must not block.
    /// </summary>
    internal interface ILinkHost
    {
        /// <summary>The node's display name (for close details).</summary>
        string Name { get; }

        NodeIdentity Identity { get; }

        SignatureVerifier Verifier { get; }

        NodeStats Stats { get; }

        TimeProvider Clock { get; }

        LinkSettings Settings { get; }

        /// <summary>The node's Noise static key and signed identity payload (protocol.md §9.2), made at start.</summary>
        NoiseStaticKey NoiseKey { get; }

        /// <summary>This node's INTRO frame for a link with <paramref name="linkToken"/> (protocol.md §3.1).</summary>
        byte[] CreateIntro(ulong linkToken);

        /// <summary>
        /// At an inbound link's HELLO: null when there is room for it (it then holds a slot until it registers or
        /// closes); else why not, and <paramref name="alternatives"/> is an ADDR frame for the refused dialler (§4.2).
        /// </summary>
        string AdmitInbound(Link link, out byte[] alternatives);

        /// <summary>A link finished its handshake: registered, or refused (a duplicate, the node full or stopping).</summary>
        LinkRegistration Register(Link link);

        /// <summary>The link closed (once, whatever the reason).</summary>
        void OnClosed(Link link);

        /// <summary>A frame for the node (MESSAGE, ANNOUNCE, DIRECT, GETADDR, ADDR); false when the link was closed for it.</summary>
        bool OnFrame(Link link, FrameType type, byte[] buffer, int body, int length);

        /// <summary>A line from a plain text peer; false when the link was closed for it.</summary>
        bool OnTextLine(Link link, byte[] buffer, int start, int length);
    }
}
