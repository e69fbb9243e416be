# simpul-${name}

A Simpul plugin that reads **${title}** into the hub: a connector, a
normalizer, a tile for the live room's wall screens, and a simulator of the app for the demo and
the tests.

## Try it

    pip install -e .
    pytest                 # the plugin's tests, the hub's connector contract among them
    simpul plugins         # lists "${name}" once installed

`simpul demo` serves the simulator beside the others and reads it like any source.

## Connect the real app

Add a source to the hub's configuration (`config/simpul.toml`):

    [sources.${name}]
    type = "${name}"
    interval = 300
    url = "https://${name}.example.go.id"
    api_key_env = "${env_name}"

The API key is read from the environment variable `${env_name}`, never from the file.

## What to change

- `${package}/connector.py`: how the app pages its listing (here an `after` cursor over
  `GET /api/v1/items`); raise `SourceError` for answers of the wrong shape.
- `${package}/normalize.py`: one payload to one `RecordIn`; raise `InvalidRecord` for a payload
  that cannot be stored (the rest of the page is still stored).
- `${package}/simulator.py`: make it answer like the real app, so the tests and the demo stay
  honest. Keep `/_sim/tick` and the standard faults of `FaultInjector`: the connector contract
  suite in `tests/test_${name}_contract.py` uses them.
- `${package}/widgets.py`: what the wall shows.
- `${package}/translations/`: the Indonesian words of the plugin; `babel.cfg` says how to
  extract new words, update the `.po` file and compile it.
