// SPDX-License-Identifier: GPL-2.0-only
/*
 * The mapped state word: mmap() of an event fd gives the process that
 * holds the event a page whose first __u32 is the event's state while
 * the kernel does not hold it, so that set, reset, pulse, a read and
 * the claim of a signaled event need no system call while nobody waits.
 * The protocol is in Documentation/evobj.rst ("The mapped state word");
 * the kernel's half, taking the word in every locked section and
 * letting it go, is evobj_word_take()/evobj_word_put() in internal.h.
 *
 * The word is one page per event so that a mapping exposes that event
 * and nothing else, and only one mm may map it: what a process writes
 * there reaches other holders of the event only as the event's state,
 * which its fd may set and reset anyway.
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>

#include "compat.h"
#include "internal.h"

/*
 * Makes @word, zeroed, @ev's word: the state moves into it, with the
 * kernel holding it if anything needs it held. Under ev->lock. The KUnit
 * suite evobj_word (kunit/word.c) plays userspace with a word of its own.
 */
VISIBLE_IF_KUNIT void evobj_word_attach(struct evobj *ev, atomic_t *word)
{
	lockdep_assert_held(&ev->lock);
	/* Held from here, let go by the put unless something needs it. */
	atomic_set(word, EVOBJ_WORD_KERNEL);
	ev->owned = true;
	WRITE_ONCE(ev->word, word);
	evobj_word_put(ev);
}

/*
 * Gives @ev its word, in @page, owned by @mm, unless it has one; then
 * the word must be @mm's. Constant work with interrupts off: one
 * reference on @mm (an atomic increment) and the word's first store.
 */
static int evobj_word_install(struct evobj *ev, struct page **page,
			      struct mm_struct *mm)
{
	int ret = 0;

	raw_spin_lock_irq(&ev->lock);
	if (!ev->word_mm) {
		mmgrab(mm);
		ev->word_mm = mm;
		ev->word_page = *page;
		evobj_word_attach(ev, page_address(*page));
		*page = NULL;
	} else if (ev->word_mm != mm) {
		ret = -EBUSY;
	}
	raw_spin_unlock_irq(&ev->lock);
	return ret;
}

/* The event fd's mmap: one shared page at offset 0, never executable. */
int evobj_word_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct evobj *ev = file->private_data;
	struct page *page = NULL;
	int ret;

	if (vma->vm_pgoff || vma->vm_end - vma->vm_start != PAGE_SIZE ||
	    !(vma->vm_flags & VM_MAYSHARE) || (vma->vm_flags & VM_EXEC))
		return -EINVAL;
	/* The VFS has refused PROT_WRITE, and VM_MAYWRITE, without FMODE_WRITE. */
	if (!READ_ONCE(ev->word_mm)) {
		page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
		if (!page)
			return -ENOMEM;
	}
	/* Under the lock, word_mm and word_page are seen together. */
	ret = evobj_word_install(ev, &page, current->mm);
	if (page)
		__free_page(page);	/* another mmap installed its own */
	if (ret)
		return ret;
	/*
	 * Not inherited by fork(): the child is another mm. The page is
	 * the event's, which the mapping's file keeps alive.
	 */
	evobj_vm_flags_mod(vma, VM_DONTCOPY | VM_DONTEXPAND | VM_DONTDUMP,
			   VM_MAYEXEC);
	return remap_pfn_range(vma, vma->vm_start, page_to_pfn(ev->word_page),
			       PAGE_SIZE, vma->vm_page_prot);
}

/* At the event's release: nothing maps the page any more. */
void evobj_word_free(struct evobj *ev)
{
	if (!ev->word_page)
		return;
	__free_page(ev->word_page);
	mmdrop(ev->word_mm);
}
