using System;
using System.Management.Automation;

namespace PSPeerChat.Commands
{
    /// <summary>Lets -Node take a PeerNode or the name of a node of this session.</summary>
    [AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
    internal sealed class PeerNodeTransformationAttribute : ArgumentTransformationAttribute
    {
        public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
        {
            object value = inputData is PSObject pso ? pso.BaseObject : inputData;
            if (value == null || value is PeerNode) return value;
            if (value is string name)
            {
                PeerNode node = NodeRegistry.Find(name);
                if (node != null) return node;
                throw new ArgumentTransformationMetadataException("No running node named '" + name + "' in this session. Get-PeerNode lists the nodes; Start-PeerNode starts one.");
            }
            return value;
        }
    }
}
