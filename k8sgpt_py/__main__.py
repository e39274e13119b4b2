"""``python -m k8sgpt_py`` runs the ``kai`` command."""

from k8sgpt_py.cli import main

if __name__ == "__main__":
    main()
