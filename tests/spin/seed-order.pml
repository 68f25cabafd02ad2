/*
 * seed-order.pml - the seed sequence's ordering question, written by hand
 * in Promela for Spin, independently of tsmsim's models.
 *
 * Five host steps run in any order their needs allow (the unordered
 * block of seed-order.yaml beside this file):
 *   0 unmap-kvm    KVM drops its shared slot of the BAR
 *   1 unmap-p2p    iommufd unmaps its P2P area of the BAR
 *   2 bind         the TSM binds: the TDI locks (LOCK_INTERFACE)
 *   3 map-private  the private dma-buf is mapped   needs: [bind]
 *   4 accept       the guest accepts               needs: [map-private]
 * The rule (the seed mail, docs/arch/rules.md, the tdx profile's default
 * knob): no CPU-reachable hypervisor mapping of the TDI's MMIO may be
 * live when the TDI locks on tdx.  The KVM shared slot is CPU-reachable;
 * the iommufd P2P area is not (a device's T=0 path, no source calls its
 * use an MCE), so only the first counts.
 *
 * `hist` records the order, so every order ends in its own state and
 * Spin reports each violating order once; with -DPRINTF pan prints it.
 */
bool done[5];
bool kvm_shared = true;
bool p2p_area = true;
bool locked = false;
bool latent = false;
byte hist[5];
byte n = 0;

inline step(i)
{
	done[i] = true;
	hist[n] = i;
	n++
}

active proctype order()
{
	do
	:: n == 5 -> break
	:: !done[0] -> atomic { kvm_shared = false; step(0) }
	:: !done[1] -> atomic { p2p_area = false; step(1) }
	:: !done[2] -> atomic { latent = latent || kvm_shared; locked = true; step(2) }
	:: !done[3] && done[2] -> atomic { step(3) }
	:: !done[4] && done[3] -> atomic { step(4) }
	od;
	if
	:: latent -> printf("VIOLATION %d %d %d %d %d\n", hist[0], hist[1], hist[2], hist[3], hist[4])
	:: else -> skip
	fi;
	assert(!latent)
}
